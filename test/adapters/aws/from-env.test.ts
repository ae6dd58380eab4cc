import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsAdapters, type AwsAdapters } from '../../../lib/adapters/aws/index.js';
import { CriticalError } from '../../../lib/core/errors.js';
import { createCloudResources, DEMO_SECRET_VALUE, useEmulators, type CloudResources } from '../../emulators/aws-env.js';
import { session } from './helpers.js';
import { fileNameFor } from '../../../lib/core/file-name.js';

/** A ref's names as a run gives them. */
const n = (ref: string) => ({ ref, file: fileNameFor(ref) });

useEmulators();

describe('awsAdapters: every adapter from the stack\'s env names and the SDK\'s own env', () => {
  let res: CloudResources;
  const made: AwsAdapters[] = [];
  const adapters = (env: Record<string, string | undefined>) => {
    const aws = awsAdapters(env);
    made.push(aws);
    return aws;
  };
  beforeAll(async () => {
    res = await createCloudResources('from-env');
  });
  afterAll(() => {
    for (const aws of made) aws.destroy();
  });

  it('builds working adapters against the emulators (S3 path-style because AWS_ENDPOINT_URL_S3 is set)', async () => {
    const aws = adapters({ ...res.env });
    expect(await aws.sessionStore.put(session(1))).toBe(true);
    expect((await aws.sessionStore.get())?.version).toBe(1);

    expect(await aws.tracker.register('run-env', [{ ref: 'R1' }, { ref: 'R2' }])).toBe(2);
    expect((await aws.tracker.counts('run-env')).PENDING).toBe(2);

    const body = Buffer.from('%PDF-1.4 env\n%%EOF\n');
    const key = await aws.documents.put('run-env', n('R1'), body, createHash('sha256').update(body).digest('hex'));
    expect(key).toBe('runs/run-env/pdfs/R1.pdf');
    expect((await aws.documents.get('run-env', n('R1')))?.equals(body)).toBe(true);

    expect(await aws.queue.sendVehicles([{ runId: 'run-env', ref: 'R1' }])).toBe(1);
    expect(aws.queue.dlqUrl).toBe(res.dlqUrl);
    expect(await aws.credentials.load()).toEqual({ username: DEMO_SECRET_VALUE.username, password: DEMO_SECRET_VALUE.password, totpSecret: DEMO_SECRET_VALUE.totp });
    await aws.counters.add('run-env', { retries: 2 });
    expect((await aws.counters.get('run-env')).retries).toBe(2);
  });

  it('keeps its clients and adapters (a warm container keeps the object), and shares nothing with another', () => {
    const one = adapters({ ...res.env });
    expect(one.clients).toBe(one.clients);
    expect(one.tracker).toBe(one.tracker);
    expect(one.credentials).toBe(one.credentials);
    const other = adapters({ ...res.env, TRACKING_TABLE: 'other' });
    expect(other.tracker).not.toBe(one.tracker);
    expect(other.clients).not.toBe(one.clients);
  });

  it('needs only the variables of the adapters a function touches, and names a missing one', () => {
    const aws = adapters({ TRACKING_TABLE: res.trackingTable });
    expect(aws.tracker.tableName).toBe(res.trackingTable);
    expect(() => aws.documents).toThrow(CriticalError);
    expect(() => aws.documents).toThrow(/environment variable BUCKET is not set/);
    expect(() => adapters({ QUEUE_URL: ' ' }).queue).toThrow(/QUEUE_URL/);
  });
});
