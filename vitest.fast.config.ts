import { configDefaults, defineConfig } from 'vitest/config';
import full from './vitest.config.js';

/**
 * The fast tier, `npm run test:fast`: pure and in-memory tests only (no Chromium, no AWS
 * emulators, no demo portal over HTTP, no CDK synth), for the edit-and-test loop. A test is
 * in it by where it lives, so a new one lands in the right tier without editing a list:
 * - test/core/: lib/core is pure by design (it gets its ports passed in);
 * - test/adapters/memory/: the in-memory adapters, each running its port's contract;
 * - test/settings/: the settings schema and the README tables generated from it.
 * A test there that needs Chromium or the demo portal is named `*.browser.test.ts` and runs
 * in the full tier only. Everything runs in the full tier (`npm test`).
 */
export default defineConfig({
  test: {
    ...full.test,
    include: ['test/core/**/*.test.ts', 'test/adapters/memory/**/*.test.ts', 'test/settings/**/*.test.ts'],
    exclude: [...configDefaults.exclude, '**/*.browser.test.ts'],
    // No emulators: a test that calls useEmulators() here fails, saying it belongs in the full tier.
    globalSetup: [],
  },
});
