import type { IncomingMessage, ServerResponse } from 'node:http';
import { requireSession } from '../auth.js';
import type { PortalContext } from '../context.js';
import { errorPage } from '../html.js';
import { sendPdf } from '../delivery.js';
import { redirect, send, sendHtml } from '../http.js';
import { applyFilter, inventoryCsv } from '../inventory.js';
import type { DemoVehicle } from '../types.js';
import { userFilter } from './pages.js';

/** The CSV export honours the saved filter: a client that did not clear it misses vehicles. */
export function getExport(ctx: PortalContext, req: IncomingMessage, res: ServerResponse): void {
  const session = requireSession(ctx, req, res, { protectedRoute: true });
  if (!session) return;
  const vehicles = applyFilter(ctx.inventory, userFilter(ctx, session));
  ctx.stats.c.exports += 1;
  send(res, 200, inventoryCsv(vehicles, ctx.extraCsvRows), {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': 'attachment; filename="inventory.csv"',
    'Cache-Control': 'no-store',
  });
}

/**
 * The `interfere` fault: now and then the portal renders "the current vehicle" of the session,
 * not the one in the URL, while the file name still says the requested ref.
 */
export function vehicleToServe(ctx: PortalContext, session: { currentRef?: string }, requested: DemoVehicle): DemoVehicle {
  const current = session.currentRef;
  if (!current || current === requested.ref || !ctx.faults.roll(ctx.faults.spec.interfere)) return requested;
  const other = ctx.byRef.get(current);
  if (!other) return requested;
  ctx.stats.c.faultsInjected.interfere += 1;
  return other;
}

export async function getReportPdf(ctx: PortalContext, req: IncomingMessage, res: ServerResponse, ref: string): Promise<void> {
  const session = requireSession(ctx, req, res, { protectedRoute: true, document: true });
  if (!session) return;
  const requested = ctx.byRef.get(ref);
  if (!requested) {
    sendHtml(res, 404, errorPage(404, 'Not Found', `No vehicle with reference number ${ref}.`));
    return;
  }
  if (ctx.delivery.otherOriginUrl) {
    // A file host on another origin, as portals with signed download links have.
    redirect(res, `${ctx.delivery.otherOriginUrl}/files/${encodeURIComponent(requested.ref)}.pdf?sig=demo`);
    return;
  }
  const served = vehicleToServe(ctx, session, requested);
  // Rendering a report makes its vehicle the session's current one: a client that fetches PDF
  // URLs without opening vehicle pages (the direct path) mixes them up under `interfere` too.
  session.currentRef = served.ref;
  const bytes = await ctx.pdfs.get(served);
  ctx.stats.pdfServed(requested.ref, served.ref);
  await sendPdf(res, requested.ref, bytes, ctx.delivery, {
    'Content-Disposition': attachmentHeader(`${requested.ref}.pdf`),
    'Cache-Control': 'no-store',
  });
}

/**
 * `attachment` with the name as RFC 6266 wants it: an ASCII `filename` (a header carries no
 * other characters, and a quote would end the string) and, when that is not the name, the
 * exact UTF-8 name in `filename*`.
 */
function attachmentHeader(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  if (ascii === name) return `attachment; filename="${name}"`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
