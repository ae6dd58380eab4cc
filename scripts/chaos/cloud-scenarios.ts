import './quiet-powertools.js';
import { ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { VehicleStatus } from '../../lib/core/types.js';
import { PdfVerifier } from '../../lib/core/verify/index.js';
import type { DemoPortalOptions } from '../../lib/demo-portal/index.js';
import { applyEmulatorEnv } from '../../harness/emulators/cloud-resources.js';
import { startAwsEmulators } from '../../harness/emulators/aws-emulators.js';
import { cloudFixture, getObject, listKeys } from '../../harness/cloud.js';
import type { OfflineCloudRunResult } from '../../harness/offline-cloud-run.js';
import type { Scenario, ScenarioOptions, ScenarioResult } from './types.js';
import { assignFileNames, documentName } from '../../lib/core/file-name.js';

type Measured = Omit<ScenarioResult, 'ok' | 'wallSeconds'>;
type Fixture = Awaited<ReturnType<typeof cloudFixture>>;

/** The emulators, started once for every cloud scenario of a chaos run. */
let emulators: Promise<Awaited<ReturnType<typeof startAwsEmulators>>> | undefined;

async function useEmulators(): Promise<void> {
  emulators ??= startAwsEmulators();
  applyEmulatorEnv((await emulators).endpoints);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= '1';
}

/** Stop the emulators if a cloud scenario started them. */
export async function closeCloudScenarios(): Promise<void> {
  if (emulators) await (await emulators).close();
  emulators = undefined;
}

/**
 * The DESIGN.md invariants for a cloud run: every ref is DONE with its object in S3 (which
 * verifies as that vehicle), or FAILED with a reason, or its message is in the DLQ; the
 * bucket holds exactly one object per DONE ref and nothing else under pdfs/.
 */
async function cloudInvariants(env: Fixture, runId: string): Promise<Omit<Measured, 'scenario' | 'problems' | 'notes'> & { details: string[] }> {
  const rows = await env.runtime.aws.tracker.list(runId);
  const byRef = new Map(rows.map((r) => [r.ref, r]));
  const dlqRefs = new Set((await drain(env, env.resources.dlqUrl)).map((m) => (JSON.parse(m.Body ?? '{}') as { ref?: string }).ref));
  const keys = new Set(await listKeys(env.resources, `runs/${runId}/pdfs/`));
  const details: string[] = [];
  let lost = 0;
  let wrong = 0;
  let failedWithoutReason = 0;
  const reasons = new Map<string, number>();
  // Idle, its thread does not hold the process: an early throw below needs no finally.
  const verifier = new PdfVerifier();
  const names = assignFileNames(env.portal.inventory.map((v) => v.ref));
  for (const vehicle of env.portal.inventory) {
    const row = byRef.get(vehicle.ref);
    const key = `runs/${runId}/pdfs/${names.get(vehicle.ref)}`;
    if (row?.status === VehicleStatus.DONE) {
      if (!keys.has(key)) {
        lost += 1;
        details.push(`${vehicle.ref}: DONE but no object`);
        continue;
      }
      try {
        await verifier.verify(await getObject(env.resources, key), vehicle);
      } catch (error) {
        wrong += 1;
        details.push(`${vehicle.ref}: stored object is wrong: ${(error as Error).message}`);
      }
    } else if (row?.status === VehicleStatus.FAILED) {
      if (!row.errorReason) failedWithoutReason += 1;
      reasons.set(row.errorReason ?? '?', (reasons.get(row.errorReason ?? '?') ?? 0) + 1);
    } else if (!dlqRefs.has(vehicle.ref)) {
      lost += 1;
      details.push(`${vehicle.ref}: ${row?.status ?? 'untracked'}, not in the DLQ`);
    }
  }
  await verifier.close();
  const doneKeys = new Set(rows.filter((r) => r.status === VehicleStatus.DONE).map((r) => `runs/${runId}/pdfs/${documentName(r).file}`));
  const extra = [...keys].filter((k) => !doneKeys.has(k));
  for (const k of extra.slice(0, 5)) details.push(`extra object ${k}`);
  const top = [...reasons.entries()].sort((a, b) => b[1] - a[1])[0];
  return {
    vehicles: env.portal.inventory.length,
    done: rows.filter((r) => r.status === VehicleStatus.DONE).length,
    failed: rows.filter((r) => r.status === VehicleStatus.FAILED).length,
    ...(top ? { topFailReason: `${top[0]} x${top[1]}` } : {}),
    failedWithoutReason,
    inDlq: dlqRefs.size,
    lost,
    duplicates: extra.length,
    wrong,
    details,
  };
}

/** Every message of a queue (received with a long visibility, so each is seen once). */
async function drain(env: Fixture, queueUrl: string): Promise<Message[]> {
  const out: Message[] = [];
  for (let empty = 0; empty < 3; ) {
    const page = await env.resources.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 300 }),
    );
    if (page.Messages?.length) out.push(...page.Messages);
    else empty += 1;
  }
  return out;
}

/** One offline cloud run against a demo portal with faults, then the invariants. */
async function cloudScenario(
  name: string,
  opts: ScenarioOptions,
  vehicles: number,
  portalOptions: DemoPortalOptions,
  resourceOptions: Parameters<typeof cloudFixture>[2],
  runOptions: { deliverTwice?: boolean; during?: (env: Fixture) => () => void },
  check: (env: Fixture, run: OfflineCloudRunResult, problems: string[], notes: Measured['notes']) => Promise<void> | void,
): Promise<Measured> {
  await useEmulators();
  const env = await cloudFixture(`chaos-${name}`, { vehicles, ...portalOptions }, resourceOptions);
  try {
    const stop = runOptions.during?.(env) ?? (() => undefined);
    const { runOfflineCloud } = await import('../../harness/offline-cloud-run.js');
    const run = await runOfflineCloud({ resources: env.resources, handlers: env.handlers, deliverTwice: runOptions.deliverTwice ?? false }).finally(stop);
    const problems: string[] = [];
    const stats = env.portal.stats();
    const notes: Measured['notes'] = {
      execution: run.failure ? `${run.failure.error}` : 'succeeded',
      logins: stats.logins,
      failed_logins: stats.failedLogins,
      invocations: run.source.invocations,
    };
    await check(env, run, problems, notes);
    const runId = run.final?.runId;
    if (!runId) {
      return { scenario: name, vehicles, done: 0, failed: 0, failedWithoutReason: 0, inDlq: 0, lost: 0, duplicates: 0, wrong: 0, problems, notes };
    }
    const inv = await cloudInvariants(env, runId);
    opts.log(`chaos: ${name}: run ${runId}: ${inv.done} DONE, ${inv.failed} FAILED, ${inv.inDlq} in the DLQ`);
    const { details, ...counts } = inv;
    return { scenario: name, ...counts, problems: [...problems, ...details.slice(0, 10)], notes };
  } finally {
    await env.close();
  }
}

const twice: Scenario = {
  name: 'cloud-twice',
  description: 'offline cloud run, every SQS message delivered twice, 5xx=0.05',
  defaultVehicles: 60,
  run: (opts) =>
    cloudScenario('cloud-twice', opts, opts.vehicles ?? 60, { faults: '5xx=0.05' }, {}, { deliverTwice: true }, (_env, run, problems, notes) => {
      notes.duplicate_deliveries = run.source.duplicateDeliveries;
      if (run.failure) problems.push(`execution failed: ${run.failure.error}: ${run.failure.cause}`);
      if (run.source.duplicateDeliveries < (opts.vehicles ?? 60)) problems.push('fewer duplicate deliveries than vehicles');
    }),
};

const down: Scenario = {
  name: 'cloud-down',
  description: 'offline cloud run, the portal answers 503 for 8 s mid-run: the breaker pauses, then resumes',
  defaultVehicles: 60,
  run: (opts) => {
    let downAt = -1;
    return cloudScenario(
      'cloud-down',
      opts,
      opts.vehicles ?? 60,
      {},
      {},
      {
        during: (env) => {
          const tracker = env.runtime.aws.tracker;
          const timer = setInterval(() => {
            void (async () => {
              if (downAt >= 0) return;
              const runIds = new Set((await listKeys(env.resources, 'runs/')).map((k) => k.split('/')[1]!));
              for (const runId of runIds) {
                if (downAt < 0 && (await tracker.counts(runId)).DONE >= Math.ceil(env.portal.inventory.length / 5)) {
                  downAt = Date.now();
                  env.portal.setFaults('down=8');
                }
              }
            })().catch(() => undefined);
          }, 200);
          return () => clearInterval(timer);
        },
      },
      (_env, run, problems, notes) => {
        notes.paused_polls = run.source.pausedPolls;
        notes.resume_probes = run.states.filter((s) => s === 'Resume').length;
        if (downAt < 0) problems.push('the portal was never taken down');
        if (!run.states.includes('Resume')) problems.push('the run was never paused');
        if (run.failure) problems.push(`execution failed: ${run.failure.error}: ${run.failure.cause}`);
      },
    );
  },
};

const badcreds: Scenario = {
  name: 'cloud-badcreds',
  description: 'offline cloud run with a wrong password in the secret: fails at Login, nothing consumed',
  defaultVehicles: 20,
  run: (opts) =>
    cloudScenario(
      'cloud-badcreds',
      opts,
      opts.vehicles ?? 20,
      {},
      { secretValue: { username: 'demo', password: 'not-the-password' } },
      {},
      (env, run, problems) => {
        if (run.failure?.error !== 'LoginRejectedError') problems.push(`expected LoginRejectedError, got ${run.failure?.error ?? 'success'}`);
        if (env.portal.stats().failedLogins !== 1) problems.push(`expected 1 failed login, got ${env.portal.stats().failedLogins}`);
        if (run.source.invocations !== 0) problems.push(`${run.source.invocations} downloader invocations`);
      },
    ),
};

export const CLOUD_SCENARIOS: Scenario[] = [twice, down, badcreds];
