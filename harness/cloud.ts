import { ListObjectsV2Command, GetObjectCommand } from '@aws-sdk/client-s3';
import { cloudHandlers, type CloudHandlers } from '../lib/cloud/handlers/index.js';
import { createCloudRuntime, type CloudRuntime } from '../lib/cloud/runtime.js';
import { isProfileFile, loadProfile } from '../lib/profiles/load.js';
import { startDemoPortal, type DemoPortal, type DemoPortalOptions } from '../lib/demo-portal/index.js';
import { createCloudResources, type CloudResources } from './emulators/cloud-resources.js';

/** What a cloud test gets: the portal, the resources, the functions' environment and a container's handlers. */
export interface CloudFixture {
  portal: DemoPortal;
  resources: CloudResources;
  /** The environment the stack would give the functions (resources and settings). */
  env: Record<string, string>;
  /** One container's runtime over `env` (a fresh one: `newRuntime()`). */
  runtime: CloudRuntime;
  handlers: CloudHandlers;
  /** Another container: its own runtime and handlers over the same environment. */
  container(overrides?: Record<string, string>): { runtime: CloudRuntime; handlers: CloudHandlers };
  close: () => Promise<void>;
}

/** Test-sized cloud settings, as environment variables: short budgets; a parked message is back after 2 s; a paused run probes up to 20 times. */
export const TEST_CLOUD_ENV: Readonly<Record<string, string>> = {
  MAX_ATTEMPTS: '3',
  VEHICLE_TIMEOUT_SECS: '20',
  STEP_TIMEOUT_SECS: '5',
  // Wait states are shortened offline; this only sets how many idle polls mean "stalled" (120).
  POLL_INTERVAL_SECS: '5',
  PAUSE_SECS: '2',
  MAX_PAUSES: '20',
};

/**
 * A demo portal plus fresh emulated AWS resources, and the Lambda environment the stack would set.
 * `portalOptions.site` picks the demo site and the profile with it (sites are named after their profiles).
 */
export async function cloudFixture(
  prefix: string,
  portalOptions: DemoPortalOptions = {},
  resourceOptions: Parameters<typeof createCloudResources>[1] = {},
  settingsEnv: Record<string, string> = {},
): Promise<CloudFixture> {
  const [portal, resources] = await Promise.all([
    startDemoPortal({ vehicles: 20, ...portalOptions }),
    createCloudResources(prefix, resourceOptions),
  ]);
  const env: Record<string, string> = {
    ...resources.env,
    ...TEST_CLOUD_ENV,
    PORTAL_URL: portal.url,
    PROFILE: portalOptions.site ?? 'dealer-values',
    ...settingsEnv,
  };
  // A profile file (`PROFILE=/tmp/x/acme.ts`) is loaded the way the CLI loads it; a Lambda gets it bundled.
  if (env.PROFILE && isProfileFile(env.PROFILE)) await loadProfile(env.PROFILE);
  const runtimes: CloudRuntime[] = [];
  const container = (overrides: Record<string, string> = {}) => {
    const runtime = createCloudRuntime({ ...process.env, ...env, ...overrides });
    runtimes.push(runtime);
    return { runtime, handlers: cloudHandlers(runtime) };
  };
  const first = container();
  return {
    portal,
    resources,
    env,
    runtime: first.runtime,
    handlers: first.handlers,
    container,
    close: async () => {
      await Promise.all(runtimes.map((rt) => rt.close()));
      await portal.close();
    },
  };
}

/** Every object key under a prefix of the test bucket. */
export async function listKeys(resources: CloudResources, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await resources.clients.s3.send(
      new ListObjectsV2Command({ Bucket: resources.bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

export async function getObject(resources: CloudResources, key: string): Promise<Buffer> {
  const out = await resources.clients.s3.send(new GetObjectCommand({ Bucket: resources.bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}
