/**
 * The starter file `fleetpdf profile init NAME` writes: the bundled demo portal's profile, every
 * field commented, so it runs as-is against `fleetpdf portal` and is then edited into the
 * user's own portal one step at a time (`fleetpdf check` after each change).
 */
export function starterProfileTs(name: string, kitPath: string): string {
  return `// ${name}.ts: a fleetpdf profile (what fleetpdf needs to know about one portal).
//
// As written it drives the bundled demo portal, so you can try it straight away:
//   fleetpdf portal --port 4010                       (in another terminal)
//   PORTAL_USER=demo PORTAL_PASS=demo-pass fleetpdf check --portal http://127.0.0.1:4010 --profile ./${name}.ts
//   PORTAL_USER=demo PORTAL_PASS=demo-pass fleetpdf run --portal http://127.0.0.1:4010 --profile ./${name}.ts
// Then change it for your portal one step at a time, running \`fleetpdf check\` after each change:
// it walks login -> license -> inventory -> one document and says which selector or step fails.
//
// 'fleetpdf' below is fleetpdf's profile kit: defineProfile, hook building blocks and types.
// fleetpdf resolves it wherever this file lives; for types in your editor, add to a tsconfig.json
// beside this file: { "compilerOptions": { "paths": { "fleetpdf": ["${kitPath}"] } } }
import { defineProfile } from 'fleetpdf';

export default defineProfile({
  name: '${name}',
  description: 'My dealer portal: one PDF per vehicle',

  // Sign-in: the form's path and CSS selectors (devtools: right click > Inspect > Copy selector).
  login: {
    path: '/login',
    usernameSelector: '#username',
    passwordSelector: '#password',
    submitSelector: '#login-submit',
    // Shown by the portal when the credentials are wrong: fleetpdf stops at once instead of retrying.
    errorSelector: '#login-error',
    // A sign-in that is not one form (two steps, a form inside an iframe, a second factor) gets a
    // hook instead, e.g. with the form in a frame:
    // run: async (page, credentials, ctx) => {
    //   await page.goto(new URL('/login', ctx.baseUrl).toString());
    //   const form = page.frameLocator('iframe#signin');
    //   await form.locator('input[name=user]').fill(credentials.username);
    //   await form.locator('input[name=pass]').fill(credentials.password);
    //   await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);
    // },
  },

  // Terms shown after sign-in (delete the block if your portal has none): a URL that matches is
  // the terms page, and the control accepts them. Regular expressions match the URL's path.
  license: {
    urlPattern: /^\\/license\\b/,
    acceptSelector: '#accept-license',
  },

  // How the portal says "you are signed out": fleetpdf then signs in again (once, for every worker).
  session: {
    loginUrlPattern: /^\\/login\\b/,
    // A download whose body matches this is the sign-in page, not a PDF.
    loginPageMarker: /id="login-form"/,
  },

  // The vehicle list: a CSV export here. The column names are the CSV header's.
  inventory: {
    path: '/inventory',
    clearFiltersSelector: '#clear-filters',
    exportSelector: '#export-csv',
    columns: { ref: 'Reference Number', vin: 'VIN' },
    // No export? Scrape the list instead and return CSV text or vehicles, e.g. with the kit's
    // scrapeGridAsCsv: run: (page, ctx) => scrapeGridAsCsv(page, ctx, { table: '#grid', next: '.next' }),
    // A vehicle that can never get a document is skipped with a reason:
    // validate: (vehicle) => (vehicle.vin ? undefined : 'no VIN'),
  },

  // One vehicle's document. {ref} and {vin} are filled in (URL-encoded).
  document: {
    pagePath: '/vehicles/{ref}',
    downloadSelector: '#download-pdf',
    // When the PDF has a stable URL, fleetpdf fetches it over HTTP with the session's cookies: much
    // faster than a page per vehicle. Delete it if the portal only hands PDFs out through the page.
    directPath: '/vehicles/{ref}/report.pdf',
    // A PDF that opens in a new tab or is prepared first gets a hook, e.g. with the kit's
    // downloadFromNewTab: run: (page, vehicle, ctx) => downloadFromNewTab(page, '#open-pdf', ctx),
  },

  // What the worker pages may skip loading (faster); remove entries if the portal breaks without them.
  blockResources: ['image', 'font', 'media', 'stylesheet'],
});
`;
}

/** The declarative variant (`--json`): selectors and paths, no code; regular expressions as strings. */
export function starterProfileJson(name: string): string {
  const profile = {
    name,
    description: 'My dealer portal: one PDF per vehicle',
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
    blockResources: ['image', 'font', 'media', 'stylesheet'],
  };
  return `${JSON.stringify(profile, null, 2)}\n`;
}
