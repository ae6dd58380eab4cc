import { defineConfig } from 'vitest/config';

/**
 * The full tier, `npm test`: every test, with the AWS emulators started once per run. The fast
 * tier (`npm run test:fast`, vitest.fast.config.ts) is a subset of it, picked by folder.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Local AWS stand-ins (dynalite, local-aws-sqs, s3rver, a Secrets Manager stub), once per run.
    globalSetup: ['test/emulators/global-setup.ts'],
    // The handlers' Powertools logger and metrics read these when they load: quiet, no EMF output.
    env: { POWERTOOLS_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' },
    // Browser tests start Chromium; two files at a time fits a 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
