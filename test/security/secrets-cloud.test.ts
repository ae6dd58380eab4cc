import '../../harness/promise-with-resolvers.js';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { StateMachine } from 'aws-local-stepfunctions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CloudHandlers } from '../../lib/cloud/handlers/index.js';
import { logger } from '../../lib/cloud/observability.js';
import type { RunState } from '../../lib/contracts/index.js';
import { useEmulators } from '../emulators/aws-env.js';
import { cloudFixture, getObject, listKeys } from '../../harness/cloud.js';
import { SqsEventSource } from '../../harness/sqs-event-source.js';
import { synthesizedStateMachine } from '../../harness/state-machine.js';
import { findLeaks, startRecordingProxy, type RecordingProxy } from './leak-helpers.js';

useEmulators();

/**
 * Issue 5, security: a whole offline cloud run (synthesized state machine, Login, Enqueue,
 * downloader through the SQS event source, Progress, Report; sessions expiring every 20
 * requests so downloaders log in again) with the Powertools logger at DEBUG. Neither the
 * password nor any session cookie value the portal issued appears in stdout/stderr/console,
 * in the execution output, in the tracking table, or in any S3 object that is not a PDF
 * (report.json, manifest.csv). The session table holds the cookies by design and is not
 * searched. A login with a wrong password fails without quoting it.
 */

const PASSWORD = 'Kp9-cloud-SECURITY-pw-7e30aa';
const WRONG_PASSWORD = 'Mv2-cloud-WRONG-pw-1c55d3';
/** A TOTP secret in the cloud secret (dealer-values asks for no code: it is loaded, and must go nowhere). */
const TOTP_SECRET = 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXEZ3U';

describe('cloud run: no password or session cookie in logs, reports or tracking rows', () => {
  let env: Awaited<ReturnType<typeof cloudFixture>>;
  let proxy: RecordingProxy;
  /** A container whose portal URL is the recording proxy. */
  let handlers: CloudHandlers;
  const captured: string[] = [];
  const spies: Array<{ mockRestore: () => void }> = [];

  beforeAll(async () => {
    const credentials = { username: 'demo', password: PASSWORD };
    env = await cloudFixture('security', { vehicles: 8, credentials, faults: 'expire=10' }, { visibilityTimeoutSecs: 2, secretValue: { ...credentials, totp: TOTP_SECRET } });
    proxy = await startRecordingProxy(env.portal.url);
    handlers = env.container({ PORTAL_URL: proxy.url }).handlers;
    logger.setLogLevel('DEBUG');
    const keep = (chunk: unknown) => captured.push(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
    for (const stream of [process.stdout, process.stderr]) {
      spies.push(vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown) => {
        keep(chunk);
        return true;
      }) as never));
    }
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      spies.push(vi.spyOn(console, method).mockImplementation((...args: unknown[]) => keep(args.map(String).join(' '))));
    }
  });
  afterAll(async () => {
    for (const spy of spies) spy.mockRestore();
    logger.setLogLevel('SILENT' as never);
    await env?.close();
    await proxy?.close();
  });

  it('runs, logs, reports, and leaks nothing', async () => {
    const { definition } = synthesizedStateMachine();
    const source = new SqsEventSource({
      sqs: env.resources.clients.sqs,
      queueUrl: env.resources.queueUrl,
      queueArn: env.resources.queueArn,
      handler: handlers.downloader,
      maxConcurrency: 4,
    });
    source.start();
    let final: RunState;
    try {
      const machine = new StateMachine(definition as never, { validationOptions: { checkArn: true, checkPaths: true } });
      const execution = machine.run(
        {},
        {
          overrides: {
            taskResourceLocalHandlers: { Login: handlers.login as never, Enqueue: handlers.enqueue as never, Progress: handlers.progress as never, Report: handlers.report as never },
            waitTimeOverrides: { Wait: 250 },
          },
        },
      );
      final = (await execution.result) as unknown as RunState;
    } finally {
      await source.stop();
    }
    expect(final.report).toMatchObject({ status: 'completed', succeeded: 8, failed: 0 });
    // Sessions did expire and were refreshed, so several cookies were issued and used.
    expect(env.portal.stats().sessionsEnded.expired).toBeGreaterThan(0);
    expect(env.portal.stats().logins).toBeGreaterThan(1);
    const cookies = proxy.cookieValues();
    expect(cookies.length).toBeGreaterThan(2);
    // The capture works: the downloader's structured "stored" records are in it.
    const logs = captured.join('');
    expect(logs).toMatch(/"message":"stored"/);

    const allKeys = await listKeys(env.resources, '');
    const textKeys = allKeys.filter((k) => !k.endsWith('.pdf'));
    expect(textKeys).toEqual(expect.arrayContaining([final.report!.reportKey, final.report!.manifestKey]));
    const objects: Array<[string, Buffer]> = [];
    for (const key of allKeys) objects.push([`s3://${key}`, await getObject(env.resources, key)]);
    const tracking = await env.resources.clients.dynamodb.send(new ScanCommand({ TableName: env.resources.trackingTable }));
    expect(tracking.Items?.length).toBeGreaterThanOrEqual(8);

    const sources: Array<[string, string | Buffer]> = [
      ['stdout/stderr/console', logs],
      ['execution output', JSON.stringify(final)],
      ['tracking table', JSON.stringify(tracking.Items)],
      ...objects,
    ];
    expect(findLeaks(sources, [PASSWORD, TOTP_SECRET, ...cookies])).toEqual([]);
  }, 120_000);

  it('a login with a wrong password fails with a message that does not quote it', async () => {
    await env.resources.clients.secrets.send(
      new PutSecretValueCommand({ SecretId: env.resources.secretId, SecretString: JSON.stringify({ username: 'demo', password: WRONG_PASSWORD, totp: TOTP_SECRET }) }),
    );
    // A new container: no cached credentials, no cached clients.
    const fresh = env.container({ PORTAL_URL: proxy.url }).handlers;
    const failedBefore = env.portal.stats().failedLogins;
    const before = captured.length;
    const error = await fresh.login({}).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toMatch(/credential|login|password/i);
    expect(env.portal.stats().failedLogins).toBe(failedBefore + 1);
    const leaks = findLeaks(
      [
        ['error', `${error!.name} ${error!.message} ${error!.stack ?? ''} ${JSON.stringify(error)} ${String((error as { cause?: unknown }).cause ?? '')}`],
        ['logs', captured.slice(before).join('')],
      ],
      [WRONG_PASSWORD, PASSWORD, TOTP_SECRET, ...proxy.cookieValues()],
    );
    expect(leaks).toEqual([]);
  }, 60_000);
});
