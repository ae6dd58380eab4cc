import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * User profile files for the bundled dealer-values demo site, written the way a user writes
 * them: outside the project, importing the kit as `fleetpdf`, one with a relative import.
 */

export const JSON_PROFILE = {
  name: 'acme-json',
  description: 'dealer-values demo site, declaratively',
  login: {
    path: '/login',
    usernameSelector: '#username',
    passwordSelector: '#password',
    submitSelector: '#login-submit',
    errorSelector: '#login-error',
  },
  license: { urlPattern: '^/license\\b', acceptSelector: '#accept-license' },
  session: { loginUrlPattern: '^/login\\b', loginPageMarker: 'id="login-form"' },
  inventory: {
    path: '/inventory',
    clearFiltersSelector: '#clear-filters',
    exportSelector: '#export-csv',
    columns: { ref: 'Reference Number', vin: 'VIN' },
  },
  document: { pagePath: '/vehicles/{ref}', downloadSelector: '#download-pdf', directPath: '/vehicles/{ref}/report.pdf' },
};

/** The TypeScript profile's selectors, in a file of their own (a relative import of the profile). */
const SELECTORS_TS = `export const LOGIN = {
  path: '/login',
  usernameSelector: '#username',
  passwordSelector: '#password',
  submitSelector: '#login-submit',
  errorSelector: '#login-error',
} as const;
`;

/** A module profile: a hook (validate), the kit imported as `fleetpdf`, and a relative import. */
export const TS_PROFILE = `import { defineProfile, type Vehicle } from 'fleetpdf';
import { LOGIN } from './selectors.ts';

export default defineProfile({
  name: 'acme-ts',
  description: 'dealer-values demo site, from a file of its own',
  login: { ...LOGIN },
  license: { urlPattern: /^\\/license\\b/, acceptSelector: '#accept-license' },
  session: { loginUrlPattern: /^\\/login\\b/, loginPageMarker: /id="login-form"/ },
  inventory: {
    path: '/inventory',
    clearFiltersSelector: '#clear-filters',
    exportSelector: '#export-csv',
    columns: { ref: 'Reference Number', vin: 'VIN' },
    validate: (vehicle: Vehicle) => (vehicle.ref.startsWith('NOPE') ? 'not for this test' : undefined),
  },
  document: { pagePath: '/vehicles/{ref}', downloadSelector: '#download-pdf', directPath: '/vehicles/{ref}/report.pdf' },
  blockResources: ['image', 'font'],
});
`;

/** Writes acme.ts (+ selectors.ts) and acme.json into `dir`; returns their paths. */
export function writeProfileFiles(dir: string): { ts: string; json: string } {
  writeFileSync(join(dir, 'selectors.ts'), SELECTORS_TS);
  writeFileSync(join(dir, 'acme.ts'), TS_PROFILE);
  writeFileSync(join(dir, 'acme.json'), `${JSON.stringify(JSON_PROFILE, null, 2)}\n`);
  return { ts: join(dir, 'acme.ts'), json: join(dir, 'acme.json') };
}
