import { afterEach, describe, expect, it } from 'vitest';
import { VehicleFailedError } from '../../lib/core/errors.js';
import { fetchDocumentDirect } from '../../lib/core/portal/direct-document.js';
import type { StepContext } from '../../lib/core/portal/profile.js';
import type { PortalSession, SessionCookie } from '../../lib/core/types.js';
import { PdfVerifier } from '../../lib/core/verify/index.js';
import type { PdfDelivery } from '../../lib/demo-portal/delivery.js';
import { startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { DirectFetcher } from '../../lib/http/direct-fetcher.js';
import { dealerValues } from '../../lib/profiles/index.js';
import { PortalClient } from '../../harness/portal-client.js';
import { sessionCookie } from '../helpers/factories.js';

// Issue 14 items 6, 10, 11 on the direct path, against the real demo portal.
let portal: DemoPortal | undefined;
let http: DirectFetcher | undefined;
afterEach(async () => {
  await http?.close();
  await portal?.close();
});

async function start(pdfDelivery: PdfDelivery, maxBodyBytes?: number) {
  portal = await startDemoPortal({ vehicles: 3, pdfDelivery });
  const ctx: StepContext = { baseUrl: portal.url, stepTimeoutMs: 10_000 };
  http = new DirectFetcher({ connections: 2, stepTimeoutMs: ctx.stepTimeoutMs, ...(maxBodyBytes ? { maxBodyBytes } : {}) });
  const client = await new PortalClient(portal.url).session();
  const cookies: SessionCookie[] = [...client.cookies].map(([name, value]) => sessionCookie(name, value));
  const session: PortalSession = { version: 1, createdAt: Date.now(), cookies };
  return { portal, http, ctx, session };
}

describe('session cookies stay on the portal origin (item 6)', () => {
  it('a PDF URL redirecting to another port is followed without any cookie', async () => {
    const { portal, http, ctx, session } = await start({ otherOrigin: true });
    const verifier = new PdfVerifier();
    try {
      for (const vehicle of portal.inventory) {
        const body = await fetchDocumentDirect(http.get, dealerValues, vehicle, ctx, session);
        expect((await verifier.verify(body, vehicle)).matched).toContain('ref');
      }
    } finally {
      await verifier.close();
    }
    expect(portal.otherOrigin?.cookies()).toEqual(['', '', '']);
  });

  it("refused by the profile's crossOriginRedirects: a cross_origin vehicle failure, nothing sent there", async () => {
    const { portal, http, ctx, session } = await start({ otherOrigin: true });
    const refusing = { ...dealerValues, document: { ...dealerValues.document, crossOriginRedirects: 'refuse' as const } };
    const error = await fetchDocumentDirect(http.get, refusing, portal.inventory[0]!, ctx, session).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VehicleFailedError);
    expect((error as VehicleFailedError).reason).toBe('cross_origin');
    expect(portal.otherOrigin?.cookies()).toEqual([]);
  });
});

describe('Content-Encoding on the direct path (item 10)', () => {
  for (const encoding of ['gzip', 'deflate', 'br'] as const) {
    it(`decodes ${encoding} into the vehicle's PDF`, async () => {
      const { portal, http, ctx, session } = await start({ encoding });
      const vehicle = portal.inventory[0]!;
      const body = await fetchDocumentDirect(http.get, dealerValues, vehicle, ctx, session);
      expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    });
  }
});

describe('one size limit (item 11)', () => {
  it('a Content-Length over the limit fails too_large with the size and the limit', async () => {
    const probe = await startDemoPortal({ vehicles: 3 });
    const ref = probe.inventory[0]!.ref;
    await probe.close();
    const { portal, http, ctx, session } = await start({ huge: { refs: [ref], mb: 200 } });
    const error = await fetchDocumentDirect(http.get, dealerValues, portal.inventory[0]!, ctx, session).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VehicleFailedError);
    expect((error as VehicleFailedError).reason).toBe('too_large');
    expect((error as Error).message).toMatch(/the PDF is 200 MB, over the 64 MB limit \(--max-pdf-mb\)/);
  });

  it('a chunked body stops at the limit, as a too_large failure', async () => {
    const probe = await startDemoPortal({ vehicles: 3 });
    const ref = probe.inventory[0]!.ref;
    await probe.close();
    const { portal, http, ctx, session } = await start({ huge: { refs: [ref], mb: 20, contentLength: false } }, 4 * 1024 * 1024);
    const error = await fetchDocumentDirect(http.get, dealerValues, portal.inventory[0]!, ctx, session).catch((e: unknown) => e);
    expect((error as VehicleFailedError).reason).toBe('too_large');
    expect((error as Error).message).toMatch(/over the 4\.0 MB limit/);
  });
});
