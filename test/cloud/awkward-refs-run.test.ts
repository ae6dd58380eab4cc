import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudFixture, getObject, listKeys } from '../../harness/cloud.js';
import { runCli } from '../../harness/cli.js';
import { startCloudFormation, type CloudFormationStandIn } from '../../harness/emulators/cloudformation.js';
import { runOfflineCloud, type OfflineCloudRunResult } from '../../harness/offline-cloud-run.js';
import { decodeRefMetadata, REF_METADATA_KEY } from '../../lib/contracts/index.js';
import { assignFileNames, refHash } from '../../lib/core/file-name.js';
import { PdfVerifier } from '../../lib/core/verify/index.js';
import { AWKWARD_DEMO_REFS, DEMO_CREDENTIALS } from '../../lib/demo-portal/index.js';
import { openOps } from '../../lib/ops/context.js';
import { pullRun } from '../../lib/ops/pull.js';
import { useEmulators } from '../emulators/aws-env.js';

useEmulators();

/**
 * Issue 13 in the cloud: the offline cloud run (synthesized state machine, real handlers,
 * emulated AWS) over awkward refs stores every PDF under `runs/<runId>/pdfs/<file name>` with
 * the file names of a local run, keeps the exact ref in the object's metadata, and
 * `fleetpdf cloud pull` writes the same names as a local run against the same portal.
 */
describe('an offline cloud run over awkward refs', () => {
  const verifier = new PdfVerifier();
  let env: Awaited<ReturnType<typeof cloudFixture>>;
  let run: OfflineCloudRunResult;
  let cloudformation: CloudFormationStandIn;
  let dir: string;
  beforeAll(async () => {
    env = await cloudFixture('awkward-run', { vehicles: 14, awkwardRefs: true }, { visibilityTimeoutSecs: 30 });
    run = await runOfflineCloud({ resources: env.resources, handlers: env.handlers });
    cloudformation = await startCloudFormation();
    dir = mkdtempSync(join(tmpdir(), 'fleetpdf-awkward-'));
  }, 240_000);
  afterAll(async () => {
    await verifier.close();
    await cloudformation?.close();
    await env?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const names = () => assignFileNames(env.portal.inventory.map((v) => v.ref));

  it('downloads every vehicle', () => {
    expect(run.failure).toBeUndefined();
    expect(run.final!.report).toMatchObject({ status: 'completed', succeeded: 14, failed: 0, inDlq: 0 });
  });

  it('stores each PDF under its file name, with the exact ref in its metadata, verifying as that vehicle', async () => {
    const runId = run.final!.runId;
    const expected = [...names().values()].map((f) => `runs/${runId}/pdfs/${f}`).sort();
    expect((await listKeys(env.resources, `runs/${runId}/pdfs/`)).sort()).toEqual(expected);
    // The shapes of the issue, spelled out: the key does not depend on the runtime.
    expect(names().get('STK-0007/B')).toBe(`STK-0007_B~${refHash('STK-0007/B')}.pdf`);
    expect(names().get(' STK 0099 ')).toBe(`STK_0099~${refHash(' STK 0099 ')}.pdf`);
    expect(names().get('STK-0150\u00c4')).toBe(`STK-0150A~${refHash('STK-0150\u00c4')}.pdf`);
    for (const vehicle of env.portal.inventory) {
      const key = `runs/${runId}/pdfs/${names().get(vehicle.ref)}`;
      const head = await env.resources.clients.s3.send(new HeadObjectCommand({ Bucket: env.resources.bucket, Key: key }));
      const stored = head.Metadata?.[REF_METADATA_KEY];
      expect(stored, vehicle.ref).toMatch(/^[\x21-\x7e]+$/); // a header value: ASCII, no edge spaces
      expect(decodeRefMetadata(stored!), key).toBe(vehicle.ref);
      await expect(verifier.verify(await getObject(env.resources, key), vehicle), vehicle.ref).resolves.toHaveProperty('sha256');
    }
  });

  it('lists each exact ref beside its file name in the manifest', async () => {
    const manifest = parse((await getObject(env.resources, run.final!.report!.manifestKey)).toString('utf8'), { columns: true }) as {
      ref: string;
      file: string;
      status: string;
    }[];
    for (const ref of AWKWARD_DEMO_REFS) expect(manifest.find((r) => r.ref === ref), ref).toMatchObject({ ref, file: names().get(ref), status: 'DONE' });
  });

  it('cloud pull writes the names a local run against the same portal writes', async () => {
    const runId = run.final!.runId;
    const r = env.resources;
    const stackName = 'FleetPdfAwkward';
    cloudformation.putStack({
      name: stackName,
      outputs: {
        BucketName: r.bucket,
        StateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:unused',
        QueueUrl: r.queueUrl,
        DlqUrl: r.dlqUrl,
        TrackingTableName: r.trackingTable,
        SessionTableName: r.sessionTable,
        CredentialsSecretName: r.secretId,
        DashboardName: `${stackName}-dashboard`,
      },
    });
    process.env.AWS_ENDPOINT_URL_CLOUDFORMATION = cloudformation.endpoint;
    const ctx = await openOps({ stackName });
    const pulled = join(dir, 'pulled');
    try {
      const result = await pullRun({ ctx, runId, dir: pulled, concurrency: 3 });
      expect(result).toMatchObject({ downloaded: 14, failed: 0 });
    } finally {
      ctx.close();
    }
    const local = join(dir, 'local');
    const localRun = await runCli(['run', '--portal', env.portal.url, '--out', local, '--json', '--workers', '2'], {
      PORTAL_USER: DEMO_CREDENTIALS.username,
      PORTAL_PASS: DEMO_CREDENTIALS.password,
    });
    expect(localRun.code, localRun.stderr).toBe(0);
    const localRunId = (JSON.parse(localRun.stdout) as { runId: string }).runId;
    const pdfs = (folder: string) => readdirSync(folder).filter((f) => f.endsWith('.pdf')).sort();
    expect(pdfs(pulled)).toEqual(pdfs(join(local, localRunId)));
    expect(pdfs(pulled)).toEqual([...names().values()].sort());
  }, 120_000);
});
