import type { TestProject } from 'vitest/node';
import { startAwsEmulators, type AwsEmulatorEndpoints } from '../../harness/emulators/aws-emulators.js';

/**
 * vitest globalSetup of the full tier: starts the local AWS stand-ins (harness/emulators) once
 * per test run and hands their endpoints to the test workers (`inject('awsEmulators')`, or
 * `useEmulators()` from aws-env.ts, which also sets the SDK's env).
 */

declare module 'vitest' {
  export interface ProvidedContext {
    awsEmulators: AwsEmulatorEndpoints;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { endpoints, close } = await startAwsEmulators();
  project.provide('awsEmulators', endpoints);
  if (process.env.FLEETPDF_EMULATORS_VERBOSE) console.log(`[emulators] started in ${endpoints.startMs} ms`, endpoints);
  return close;
}
