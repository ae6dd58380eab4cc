import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { beforeAll, describe, expect, it } from 'vitest';
import { SecretsCredentials } from '../../../lib/adapters/aws/index.js';
import { CriticalError, TransientError } from '../../../lib/core/errors.js';
import { createCloudResources, DEMO_SECRET_VALUE, EMULATOR_CREDENTIALS, EMULATOR_REGION, useEmulators, type CloudResources } from '../../emulators/aws-env.js';
import { manualClock } from './helpers.js';

const endpoints = useEmulators();

/** A client that counts its GetSecretValue calls. */
function countingClient() {
  const client = new SecretsManagerClient({ region: EMULATOR_REGION, endpoint: endpoints.secretsManager, credentials: EMULATOR_CREDENTIALS });
  let gets = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'GetSecretValueCommand') gets += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countGets' },
  );
  return { client, gets: () => gets };
}

async function failure(credentials: SecretsCredentials): Promise<Error> {
  const error = await credentials.load().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected load() to fail');
  return error;
}

describe('SecretsCredentials (Secrets Manager stand-in)', () => {
  let res: CloudResources;
  beforeAll(async () => {
    res = await createCloudResources('secrets');
  });

  it('loads {"username","password"} from the secret (by name or ARN)', async () => {
    const byName = new SecretsCredentials({ client: res.clients.secrets, secretId: res.secretId });
    expect(await byName.load()).toEqual({ username: DEMO_SECRET_VALUE.username, password: DEMO_SECRET_VALUE.password, totpSecret: DEMO_SECRET_VALUE.totp });
    const byArn = new SecretsCredentials({ client: res.clients.secrets, secretId: res.secretArn });
    expect(await byArn.load()).toEqual({ username: DEMO_SECRET_VALUE.username, password: DEMO_SECRET_VALUE.password, totpSecret: DEMO_SECRET_VALUE.totp });
  });

  it('reads the secret once per 5 minutes, and once for concurrent callers', async () => {
    const own = await createCloudResources('secrets-cache');
    const clock = manualClock();
    const { client, gets } = countingClient();
    const credentials = new SecretsCredentials({ client, secretId: own.secretId, now: clock.now });
    await Promise.all([credentials.load(), credentials.load(), credentials.load()]);
    expect(gets()).toBe(1);

    await own.clients.secrets.send(new PutSecretValueCommand({ SecretId: own.secretId, SecretString: JSON.stringify({ username: 'demo', password: 'rotated' }) }));
    clock.advance(4 * 60_000);
    expect((await credentials.load()).password).toBe('demo-pass');
    expect(gets()).toBe(1);
    clock.advance(60_000);
    expect((await credentials.load()).password).toBe('rotated');
    expect(gets()).toBe(2);
    credentials.invalidate();
    await credentials.load();
    expect(gets()).toBe(3);
  });

  it('says "set the portal credentials in secret X" in one line when the secret is missing', async () => {
    const error = await failure(new SecretsCredentials({ client: res.clients.secrets, secretId: 'no/such/secret' }));
    expect(error).toBeInstanceOf(CriticalError);
    expect((error as CriticalError).reason).toBe('credentials_missing');
    expect(error.message).toBe('secret no/such/secret does not exist: set the portal credentials in secret no/such/secret');
  });

  it('passes an optional "totp" on as the TOTP secret, and refuses an empty one without quoting the value', async () => {
    const own = await createCloudResources('secrets-totp', { secretValue: { username: 'demo', password: 'pw-1234', totp: ' MFRGGZDFMZTWQ2LKNNWG23TPOBYXEZ3U ' } });
    expect(await new SecretsCredentials({ client: own.clients.secrets, secretId: own.secretId }).load()).toEqual({
      username: 'demo',
      password: 'pw-1234',
      totpSecret: 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXEZ3U',
    });
    const empty = await createCloudResources('secrets-totp-empty', { secretValue: { username: 'demo', password: 'pw-1234', totp: ' ' } });
    const error = await failure(new SecretsCredentials({ client: empty.clients.secrets, secretId: empty.secretId }));
    expect((error as CriticalError).reason).toBe('credentials_invalid');
    expect(error.message).toContain('"totp"');
    expect(error.message).not.toContain('pw-1234');
  });

  it('refuses the placeholder username CHANGE_ME', async () => {
    const own = await createCloudResources('secrets-placeholder', { secretValue: { username: 'CHANGE_ME', password: 'CHANGE_ME' } });
    const error = await failure(new SecretsCredentials({ client: own.clients.secrets, secretId: own.secretId }));
    expect(error).toBeInstanceOf(CriticalError);
    expect((error as CriticalError).reason).toBe('credentials_placeholder');
    expect(error.message).toContain(`set the portal credentials in secret ${own.secretId}`);
    expect(error.message).not.toContain('\n');
  });

  it.each([
    ['not JSON', 'hunter2', /is not JSON/],
    ['a JSON string', '"hunter2"', /is not a JSON object/],
    ['no username', '{"password":"p"}', /has no "username"/],
    ['no password', '{"username":"u"}', /has no "password"/],
  ])('refuses a secret that is %s, without quoting its value', async (_what, value, message) => {
    const own = await createCloudResources('secrets-bad', { secretValue: value });
    const error = await failure(new SecretsCredentials({ client: own.clients.secrets, secretId: own.secretId }));
    expect(error).toBeInstanceOf(CriticalError);
    expect((error as CriticalError).reason).toBe('credentials_invalid');
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`set the portal credentials in secret ${own.secretId}`);
    expect(error.message).not.toContain('hunter2');
  });

  it('treats an unreachable service as transient (retry later), not as a missing secret', async () => {
    const client = new SecretsManagerClient({ region: EMULATOR_REGION, endpoint: 'http://127.0.0.1:9', credentials: EMULATOR_CREDENTIALS, maxAttempts: 1 });
    const error = await failure(new SecretsCredentials({ client, secretId: res.secretId }));
    expect(error).toBeInstanceOf(TransientError);
  });
});
