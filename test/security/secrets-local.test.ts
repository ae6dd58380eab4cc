import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { runCli, type CliResult } from '../../harness/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { filesUnder, findLeaks, startRecordingProxy, type RecordingProxy } from './leak-helpers.js';

/**
 * Issue 5, security: the portal password and the session cookies the portal issued never
 * appear in anything a local run produces (stdout, stderr, report.json, manifest.csv,
 * inventory.csv, the SQLite database and its side files), including a run whose sessions
 * expire every 8 requests (so several logins happen, even on the direct path's one request
 * per vehicle) and a run with a wrong password.
 * The cookie values are learnt from a recording proxy between the CLI and the portal.
 * (test/cli/run-errors.test.ts checks stderr of a wrong-password run; this adds the files.)
 */

const PASSWORD = 'Zq7-fleetpdf-SECURITY-pw-4f1c9e';
const WRONG_PASSWORD = 'Wx3-wrong-SECURITY-pw-b82d07';

const cliArgs = (proxy: RecordingProxy, out: string) => [
  'run',
  '--portal',
  proxy.url,
  '--out',
  out,
  '--json',
  '--workers',
  '4',
  '--retry-delay',
  '50',
  '--step-timeout',
  '5',
  '--timeout',
  '20',
];

function everything(result: CliResult, out: string): Array<[string, string | Buffer]> {
  return [['stdout', result.stdout], ['stderr', result.stderr], ...filesUnder(out)];
}

describe('local run: no password or session cookie in any output', () => {
  let portal: DemoPortal;
  let proxy: RecordingProxy;
  let dir: ReturnType<typeof tempDir>;
  let result: CliResult;

  beforeAll(async () => {
    portal = await startDemoPortal({
      vehicles: 12,
      credentials: { username: 'demo', password: PASSWORD },
      faults: 'expire=8',
    });
    proxy = await startRecordingProxy(portal.url);
    dir = tempDir();
    result = await runCli(cliArgs(proxy, dir.path), { PORTAL_USER: 'demo', PORTAL_PASS: PASSWORD });
  }, 90_000);
  afterAll(async () => {
    await proxy?.close();
    await portal?.close();
    dir?.cleanup();
  });

  it('the run succeeds and sessions were refreshed (so several cookies were issued)', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ succeeded: 12, failed: 0 });
    expect(portal.stats().sessionsEnded.expired).toBeGreaterThan(0);
    expect(portal.stats().logins).toBeGreaterThan(1);
    const sessions = proxy.setCookieLines().filter((l) => l.startsWith('dv_session=') && !/^dv_session=;/.test(l));
    expect(sessions.length).toBe(portal.stats().logins);
    for (const value of proxy.cookieValues()) expect(value.length).toBeGreaterThanOrEqual(16);
  });

  it('wrote the report, manifest, inventory and database that are searched', () => {
    const names = filesUnder(dir.path).map(([name]) => name);
    for (const expected of [/report\.json$/, /manifest\.csv$/, /inventory\.csv$/, /fleetpdf\.db$/]) {
      expect(names.some((n) => expected.test(n)), `${expected} in ${names.join(', ')}`).toBe(true);
    }
  });

  it('contains neither the password nor any issued cookie value, anywhere', () => {
    const secrets = [PASSWORD, ...proxy.cookieValues()];
    expect(secrets.length).toBeGreaterThan(2);
    expect(findLeaks(everything(result, dir.path), secrets)).toEqual([]);
  });

  it('a wrong password stops the run without printing or storing it', async () => {
    const wrongDir = tempDir();
    try {
      const wrong = await runCli(cliArgs(proxy, wrongDir.path), { PORTAL_USER: 'demo', PORTAL_PASS: WRONG_PASSWORD });
      expect(wrong.code).toBe(3);
      expect(wrong.stderr).toMatch(/credentials/);
      expect(findLeaks(everything(wrong, wrongDir.path), [WRONG_PASSWORD, PASSWORD, ...proxy.cookieValues()])).toEqual([]);
    } finally {
      wrongDir.cleanup();
    }
  });
});

describe('local run with a TOTP second factor: the secret is in no output', () => {
  const TOTP_SECRET = 'ONSWG4TFOQQHI33UOAQHGZLDOJSXIIDY';
  const OTHER_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  let portal: DemoPortal;
  let proxy: RecordingProxy;
  beforeAll(async () => {
    portal = await startDemoPortal({ site: 'condition-reports', vehicles: 6, credentials: { username: 'demo', password: PASSWORD, totpSecret: TOTP_SECRET }, faults: 'expire=12' });
    proxy = await startRecordingProxy(portal.url);
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await portal?.close();
  });
  const args = (out: string) => [...cliArgs(proxy, out), '--profile', 'condition-reports'];

  it('a run that signs in with codes (several logins) leaks neither the TOTP secret nor the password', async () => {
    const dir = tempDir();
    try {
      const result = await runCli(args(dir.path), { PORTAL_USER: 'demo', PORTAL_PASS: PASSWORD, PORTAL_TOTP_SECRET: TOTP_SECRET });
      expect(result.code, result.stderr).toBe(0);
      expect(portal.stats().logins).toBeGreaterThan(1);
      expect(findLeaks(everything(result, dir.path), [TOTP_SECRET, PASSWORD, ...proxy.cookieValues()])).toEqual([]);
    } finally {
      dir.cleanup();
    }
  }, 120_000);

  it('a wrong secret (the code is refused) stops the run with exit 3 and quotes no secret', async () => {
    const dir = tempDir();
    try {
      const result = await runCli(args(dir.path), { PORTAL_USER: 'demo', PORTAL_PASS: PASSWORD, PORTAL_TOTP_SECRET: OTHER_SECRET });
      expect(result.code).toBe(3);
      expect(findLeaks(everything(result, dir.path), [OTHER_SECRET, TOTP_SECRET, PASSWORD])).toEqual([]);
    } finally {
      dir.cleanup();
    }
  }, 120_000);

  it('no secret at all: exit 3 with the one line that says what to set', async () => {
    const dir = tempDir();
    try {
      const result = await runCli(args(dir.path), { PORTAL_USER: 'demo', PORTAL_PASS: PASSWORD });
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('no TOTP secret is configured: set PORTAL_TOTP_SECRET');
    } finally {
      dir.cleanup();
    }
  }, 120_000);
});

describe('local run: a portal URL with user info', () => {
  it('is refused, or at least its password is stored nowhere', async () => {
    const portal = await startDemoPortal({ vehicles: 2 });
    const dir = tempDir();
    const urlSecret = 'UrlSecret-7d1e55aa';
    try {
      const url = new URL(portal.url);
      url.username = 'someone';
      url.password = urlSecret;
      const result = await runCli(['run', '--portal', url.href, '--out', dir.path, '--json', '--workers', '1'], {
        PORTAL_USER: 'demo',
        PORTAL_PASS: 'demo-pass',
      });
      expect([0, 2]).toContain(result.code);
      expect(findLeaks(everything(result, dir.path), [urlSecret])).toEqual([]);
    } finally {
      await portal.close();
      dir.cleanup();
    }
  }, 60_000);
});

describe('the leak detector itself (so the checks above can fail)', () => {
  it('finds a secret in text, in bytes, URL-encoded and JSON-escaped, and any cookie assignment', () => {
    const secret = 'a"b/c+d=e-secret';
    expect(findLeaks([['t', `x ${secret} y`]], [secret])).toHaveLength(1);
    expect(findLeaks([['b', Buffer.concat([Buffer.from([0, 1]), Buffer.from(secret), Buffer.from([0])])]], [secret])).toHaveLength(1);
    expect(findLeaks([['u', `p=${encodeURIComponent(secret)}`]], [secret])).toHaveLength(1);
    expect(findLeaks([['j', JSON.stringify({ p: secret })]], [secret])).toHaveLength(1);
    expect(findLeaks([['c', 'Cookie: dv_session=AbCdEfGh12345678']], [])).toHaveLength(1);
    expect(findLeaks([['clean', 'nothing here dv_session=;']], [secret])).toEqual([]);
  });
});
