import { describe, expect, it } from 'vitest';
import { InputError } from '../../../lib/core/errors.js';
import { directDocumentUrl } from '../../../lib/core/portal/direct-document.js';
import { resolveFetchMode } from '../../../lib/core/portal/fetch-mode.js';
import type { FetchMode, PortalProfile } from '../../../lib/core/portal/profile.js';
import { dealerValues } from '../../../lib/profiles/index.js';

const withDocument = (document: Partial<PortalProfile['document']>): PortalProfile => ({
  ...dealerValues,
  name: 'test-profile',
  document: { pagePath: '/v/{ref}', downloadSelector: '#dl', ...document },
});

describe('resolveFetchMode: the run option narrowed by the profile', () => {
  const direct = withDocument({ directPath: '/v/{ref}.pdf' });
  it.each<[string, PortalProfile, FetchMode, FetchMode]>([
    ['auto on a profile with a direct URL', direct, 'auto', 'auto'],
    ['direct on a profile with a direct URL', direct, 'direct', 'direct'],
    ['browser always', direct, 'browser', 'browser'],
    ['auto without a direct URL', withDocument({}), 'auto', 'browser'],
    ['auto on a browser-only profile', withDocument({ directPath: '/v/{ref}.pdf', fetch: 'browser' }), 'auto', 'browser'],
    ['auto on a direct-only profile', withDocument({ directPath: '/v/{ref}.pdf', fetch: 'direct' }), 'auto', 'direct'],
    ['browser on a direct-only profile', withDocument({ directPath: '/v/{ref}.pdf', fetch: 'direct' }), 'browser', 'browser'],
  ])('%s', (_what, profile, requested, expected) => {
    expect(resolveFetchMode(profile, requested)).toBe(expected);
  });

  it('defaults to auto, which is the direct path with fallback for dealer-values', () => {
    expect(resolveFetchMode(dealerValues)).toBe('auto');
  });

  it('refuses direct where the profile cannot do it, with a one-line InputError', () => {
    expect(() => resolveFetchMode(withDocument({}), 'direct')).toThrow(InputError);
    expect(() => resolveFetchMode(withDocument({}), 'direct')).toThrow(/has no direct document URL/);
    expect(() => resolveFetchMode(withDocument({ directPath: '/x', fetch: 'browser' }), 'direct')).toThrow(/browser only/);
    expect(() => resolveFetchMode(withDocument({ fetch: 'direct' }), 'auto')).toThrow(/no document.directPath/);
  });
});

describe('directDocumentUrl', () => {
  it('fills the template with the URL-encoded ref and VIN against the portal origin', () => {
    const profile = withDocument({ directPath: '/docs/{ref}/{vin}.pdf?dl=1' });
    const url = directDocumentUrl(profile, { ref: 'A 1/2', vin: '1HGCM82633A004352' }, 'https://portal.example.com/app/');
    expect(url?.href).toBe('https://portal.example.com/docs/A%201%2F2/1HGCM82633A004352.pdf?dl=1');
  });

  it('is undefined for a profile without a direct URL', () => {
    expect(directDocumentUrl(withDocument({}), { ref: '1' }, 'http://127.0.0.1')).toBeUndefined();
  });

  it('is the demo portal route for dealer-values', () => {
    expect(directDocumentUrl(dealerValues, { ref: '40213377' }, 'http://127.0.0.1:4010')?.href).toBe(
      'http://127.0.0.1:4010/vehicles/40213377/report.pdf',
    );
  });
});
