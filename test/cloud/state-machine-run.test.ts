import '../helpers/promise-with-resolvers.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateMachine } from 'aws-local-stepfunctions';
import { verifyDocument } from '../../lib/core/verify/index.js';
import type { RunState } from '../../lib/cloud/contracts.js';
import { handler as downloader } from '../../lambdas/downloader.js';
import { handler as enqueue } from '../../lambdas/enqueue.js';
import { handler as login } from '../../lambdas/login.js';
import { handler as progress } from '../../lambdas/progress.js';
import { handler as report } from '../../lambdas/report.js';
import { useEmulators } from '../emulators/aws-env.js';
import { cloudFixture, getObject, listKeys } from '../helpers/cloud.js';
import { SqsEventSource } from '../helpers/sqs-event-source.js';
import { synthesizedStateMachine, synthesizedDownloaderConcurrency } from '../helpers/state-machine.js';

useEmulators();

describe('the whole cloud run offline: synthesized state machine, real handlers, emulated AWS', () => {
  let env: Awaited<ReturnType<typeof cloudFixture>>;
  beforeAll(async () => {
    env = await cloudFixture('offline-run', { vehicles: 100 }, { visibilityTimeoutSecs: 30 });
  });
  afterAll(async () => env?.close());

  it('a 100-vehicle run from input {} ends with 100 verified PDFs in the bucket and a report', async () => {
    const { definition } = synthesizedStateMachine();
    const concurrency = synthesizedDownloaderConcurrency();
    const source = new SqsEventSource({
      sqs: env.resources.clients.sqs,
      queueUrl: env.resources.queueUrl,
      queueArn: env.resources.queueArn,
      handler: downloader,
      maxConcurrency: concurrency,
    });
    source.start();
    try {
      const machine = new StateMachine(definition as never, { validationOptions: { checkArn: true, checkPaths: true } });
      const execution = machine.run(
        {},
        {
          overrides: {
            taskResourceLocalHandlers: {
              Login: login as never,
              Enqueue: enqueue as never,
              Progress: progress as never,
              Report: report as never,
            },
            waitTimeOverrides: { Wait: 250 },
          },
        },
      );
      const final = (await execution.result) as unknown as RunState;
      expect(final.report).toMatchObject({ status: 'completed', succeeded: 100, failed: 0, inDlq: 0 });
      expect(final.progress?.done).toBe(true);

      const pdfKeys = await listKeys(env.resources, `runs/${final.runId}/pdfs/`);
      expect(pdfKeys).toHaveLength(100);
      for (const vehicle of env.portal.inventory) {
        const pdf = await getObject(env.resources, `runs/${final.runId}/pdfs/${vehicle.ref}.pdf`);
        expect(() => verifyDocument(pdf, vehicle)).not.toThrow();
      }
      const stored = JSON.parse((await getObject(env.resources, final.report!.reportKey)).toString('utf8'));
      expect(stored).toMatchObject({ runId: final.runId, total_inventory: 100, succeeded: 100, failed: 0 });
      const manifest = (await getObject(env.resources, final.report!.manifestKey)).toString('utf8').trim().split('\n');
      expect(manifest).toHaveLength(101);
      expect(source.stats.peakConcurrency).toBeLessThanOrEqual(concurrency);
      expect(env.portal.stats().logins).toBe(1);
    } finally {
      await source.stop();
    }
  }, 240_000);
});
