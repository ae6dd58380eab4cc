import { inject } from 'vitest';
import type { AwsEmulatorEndpoints } from '../../harness/emulators/aws-emulators.js';
import { applyEmulatorEnv } from '../../harness/emulators/cloud-resources.js';

export * from '../../harness/emulators/cloud-resources.js';

/**
 * Set the standard AWS SDK env of this worker to the emulators started by globalSetup, so
 * `fromEnv()` and any `new XClient({})` reach them. Call it at the top level of a test file
 * (each file runs in its own module scope). Returns the endpoints.
 */
export function useEmulators(): AwsEmulatorEndpoints {
  const endpoints = inject('awsEmulators');
  if (!endpoints) throw new Error('AWS emulators are not running: this file needs the full tier (npm test, whose globalSetup test/emulators/global-setup.ts starts them)');
  applyEmulatorEnv(endpoints);
  return endpoints;
}

