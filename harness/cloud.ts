import { ListObjectsV2Command, GetObjectCommand } from '@aws-sdk/client-s3';
import { resetAwsClients } from '../lib/adapters/aws/index.js';
import { Env } from '../lib/cloud/contracts.js';
import { resetCloudRuntime } from '../lib/cloud/runtime.js';
import { startDemoPortal, type DemoPortal, type DemoPortalOptions } from '../lib/demo-portal/index.js';
import { applyResourceEnv, createCloudResources, type CloudResources } from './emulators/cloud-resources.js';

/**
 * A demo portal plus fresh emulated AWS resources, and the Lambda environment the stack would set.
 * `portalOptions.site` picks the demo site and the profile with it (sites are named after their profiles).
 */
export async function cloudFixture(
  prefix: string,
  portalOptions: DemoPortalOptions = {},
  resourceOptions: Parameters<typeof createCloudResources>[1] = {},
): Promise<{ portal: DemoPortal; resources: CloudResources; close: () => Promise<void> }> {
  const [portal, resources] = await Promise.all([
    startDemoPortal({ vehicles: 20, ...portalOptions }),
    createCloudResources(prefix, resourceOptions),
  ]);
  await resetCloudRuntime();
  resetAwsClients();
  applyResourceEnv(resources);
  Object.assign(process.env, {
    [Env.PORTAL_URL]: portal.url,
    [Env.PROFILE]: portalOptions.site ?? 'dealer-values',
    [Env.MAX_ATTEMPTS]: '3',
    [Env.VEHICLE_TIMEOUT_SECS]: '20',
    [Env.STEP_TIMEOUT_SECS]: '5',
    [Env.STALL_POLLS]: '200',
    // Test-sized pauses: a parked message is back after 2 s; a paused run probes up to 20 times.
    [Env.PAUSE_SECS]: '2',
    [Env.MAX_PAUSES]: '20',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "SILENT",
  });
  return {
    portal,
    resources,
    close: async () => {
      await resetCloudRuntime();
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
