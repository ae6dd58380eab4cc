import type { PortalProfile } from '../core/portal/profile.js';

/**
 * The dealer valuation portal of the seeds (and the bundled demo portal): CSRF login,
 * a license to accept once per session, an inventory with sticky filters and a CSV
 * export, and one "Download PDF" control per vehicle page.
 */
export const dealerValues: PortalProfile = {
  name: 'dealer-values',
  description: 'Dealer valuation portal: CSV inventory export, one valuation report PDF per vehicle',
  login: {
    path: '/login',
    usernameSelector: '#username',
    passwordSelector: '#password',
    submitSelector: '#login-submit',
    errorSelector: '#login-error',
  },
  license: {
    urlPattern: /^\/license\b/,
    acceptSelector: '#accept-license',
  },
  session: {
    loginUrlPattern: /^\/login\b/,
    loginPageMarker: /id="login-form"/,
  },
  inventory: {
    path: '/inventory',
    clearFiltersSelector: '#clear-filters',
    exportSelector: '#export-csv',
    columns: { ref: 'Reference Number', vin: 'VIN' },
  },
  document: {
    pagePath: '/vehicles/{ref}',
    downloadSelector: '#download-pdf',
    directPath: '/vehicles/{ref}/report.pdf',
  },
  blockResources: ['image', 'font', 'media', 'stylesheet'],
};
