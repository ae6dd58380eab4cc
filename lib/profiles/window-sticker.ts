import type { PortalProfile } from '../core/portal/profile.js';
import { isValidVin, vinCheckDigit } from '../core/portal/vin.js';
import type { Vehicle } from '../core/types.js';
import { downloadFromNewTab, scrapeGridAsCsv, twoStepLogin } from './hooks/index.js';

const SIGN_IN = {
  path: '/signin',
  username: '#signin-username',
  next: '#signin-next',
  password: '#signin-password',
  submit: '#signin-submit',
  error: '#signin-error',
} as const;

/**
 * A window sticker is decoded from the VIN, so a VIN whose check digit (position 9) is wrong
 * can never get one: skip it with the reason instead of spending three attempts to FAIL it.
 */
export function stickerVinProblem(vehicle: Vehicle): string | undefined {
  if (!vehicle.vin) return 'no VIN: a window sticker is made from the VIN';
  if (isValidVin(vehicle.vin)) return undefined;
  // The kind first, the details after the colon: reports group skips by what comes before it.
  const vin = vehicle.vin;
  return `wrong VIN check digit: VIN ${vin} has ${vin[8]} at position 9 where its other characters call for ${vinCheckDigit(vin)}; no window sticker can be made for it`;
}

/**
 * The window-sticker portal of seed 004 (and the bundled demo's `window-sticker` site): a
 * two-step sign-in, an inventory grid with sticky filters and pages but no export, and a
 * "Window sticker" control that opens the PDF in a new tab through a "preparing" page. The
 * sticker links carry a per-session token, so there is no `directPath`: every PDF comes
 * through the browser.
 */
export const windowSticker: PortalProfile = {
  name: 'window-sticker',
  description: 'Window sticker portal: two-step sign-in, paginated inventory grid, one window sticker PDF per vehicle (new tab)',
  login: {
    path: SIGN_IN.path,
    usernameSelector: SIGN_IN.username,
    passwordSelector: SIGN_IN.password,
    submitSelector: SIGN_IN.submit,
    errorSelector: SIGN_IN.error,
    run: (page, credentials, ctx) => twoStepLogin(page, credentials, ctx, SIGN_IN),
  },
  session: {
    // Both sign-in steps: an ended session is sent to the first, a stale sign-in to either.
    loginUrlPattern: /^\/signin\b/,
    loginPageMarker: /id="signin-(user|password)-form"/,
  },
  inventory: {
    path: '/inventory',
    columns: { ref: 'Vehicle ID', vin: 'VIN' },
    // CSV text, not vehicles: the core then applies its ref checks and `validate` to the grid too.
    run: (page, ctx) =>
      scrapeGridAsCsv(page, ctx, {
        table: '#grid',
        next: '#grid-next',
        reset: '#grid-reset',
        activeFilter: '#grid-filters .filter-chip',
        total: '#grid-count',
        skipColumns: ['Window sticker'],
        isLoginUrl: (url) => windowSticker.session.loginUrlPattern.test(url.pathname + url.search),
      }),
    validate: stickerVinProblem,
  },
  document: {
    pagePath: '/vehicles/{ref}',
    downloadSelector: '#window-sticker',
    run: (page, _vehicle, ctx) =>
      downloadFromNewTab(page, '#window-sticker', ctx, { interstitial: /^\/vehicles\/[^/]+\/sticker$/, what: 'window sticker tab' }),
  },
  // Scripts stay on: the sticker control opens its tab from script.
  blockResources: ['image', 'font', 'media', 'stylesheet'],
};
