import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { runCli, type CliResult } from '../../harness/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { JSON_PROFILE } from '../helpers/profile-files.js';

const ENV = { PORTAL_USER: 'demo', PORTAL_PASS: 'demo-pass' };

/** `fleetpdf check` as a user types it, against the real demo portal (and a framed sign-in page). */
describe('fleetpdf check', () => {
  let portal: DemoPortal;
  let hanging: DemoPortal;
  let framed: Server;
  let framedUrl: string;
  let dir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    [portal, hanging] = await Promise.all([startDemoPortal({ vehicles: 5 }), startDemoPortal({ vehicles: 5, faults: 'hang=1' })]);
    framed = await framedLoginServer();
    framedUrl = `http://127.0.0.1:${(framed.address() as AddressInfo).port}`;
    dir = tempDir('fleetpdf-check-');
  });
  afterAll(async () => {
    await Promise.all([portal?.close(), hanging?.close(), new Promise((r) => framed?.close(r))]);
    dir?.cleanup();
  });

  /** A JSON profile in the user's folder: the demo's, with `change` applied. */
  const profileFile = (name: string, change: (p: typeof JSON_PROFILE) => void): string => {
    const profile = structuredClone(JSON_PROFILE);
    change(profile);
    writeFileSync(join(dir.path, name), JSON.stringify(profile));
    return `./${name}`;
  };

  const check = (args: string[], env = ENV): Promise<CliResult> =>
    runCli(['check', '--artifacts', 'artifacts', '--step-timeout', '2', ...args], env, { cwd: dir.path });

  const lines = (result: CliResult) => result.stdout.trim().split('\n');
  const failLine = (result: CliResult) => {
    const fails = lines(result).filter((l) => l.startsWith('FAIL '));
    expect(fails, result.stdout + result.stderr).toHaveLength(1);
    return fails[0]!;
  };
  /** The failure's folder: named in the output, with the screenshot, the page and the trace. */
  const artifacts = (result: CliResult): string => {
    const folder = /in (\S+check-\d{8}-\d{6}) /.exec(result.stdout)?.[1];
    expect(folder, result.stdout).toBeDefined();
    expect(folder!.startsWith(join(dir.path, 'artifacts'))).toBe(true);
    expect(existsSync(join(folder!, 'trace.zip'))).toBe(true);
    return folder!;
  };

  it('passes every step of a working profile file: vehicles found, the document verified', async () => {
    const result = await check(['--portal', portal.url, '--profile', profileFile('good.json', () => {})]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const out = lines(result);
    expect(out.filter((l) => l.startsWith('PASS '))).toHaveLength(4);
    expect(out).toContainEqual(expect.stringMatching(/^PASS license .*accepted \(\/license\)/));
    expect(out).toContainEqual(expect.stringMatching(/^PASS inventory .*5 vehicles/));
    const first = portal.inventory[0]!.ref;
    expect(out).toContainEqual(expect.stringMatching(new RegExp(`^PASS document .*${first}: \\d+ bytes via direct GET .*verifies`)));
  }, 60_000);

  it('--ref picks the vehicle; one that is not in the inventory fails naming it', async () => {
    const ref = portal.inventory[3]!.ref;
    const ok = await check(['--portal', portal.url, '--ref', ref]);
    expect(ok.code).toBe(0);
    expect(lines(ok)).toContainEqual(expect.stringMatching(new RegExp(`^PASS document .*${ref}:`)));
    const missing = await check(['--portal', portal.url, '--ref', 'NOT-THERE']);
    expect(missing.code).toBe(1);
    expect(failLine(missing)).toMatch(/^FAIL inventory .*--ref NOT-THERE is not in the inventory/);
  }, 60_000);

  it('wrong credentials: the login step says so, exit 1, screenshot and page saved', async () => {
    const result = await check(['--portal', portal.url], { PORTAL_USER: 'demo', PORTAL_PASS: 'wrong-pass' });
    expect(result.code).toBe(1);
    expect(failLine(result)).toMatch(/^FAIL login .*rejected the credentials.*; try: check PORTAL_USER and PORTAL_PASS/);
    const folder = artifacts(result);
    expect(existsSync(join(folder, 'screenshot.png'))).toBe(true);
    expect(existsSync(join(folder, 'page.html'))).toBe(true);
    expect(result.stdout).not.toContain('wrong-pass');
  }, 60_000);

  it('a selector that matches nothing: names the field and the selector', async () => {
    const spec = profileFile('typo.json', (p) => {
      p.login.usernameSelector = '#user-name';
    });
    const result = await check(['--portal', portal.url, '--profile', spec]);
    expect(result.code).toBe(1);
    expect(failLine(result)).toMatch(/^FAIL login .*login\.usernameSelector "#user-name" matches nothing on \/login.*; try: .*fix login\.usernameSelector/);
    artifacts(result);
  }, 60_000);

  it('a selector that matches nothing later on: the inventory export control', async () => {
    const spec = profileFile('export.json', (p) => {
      p.inventory.exportSelector = '#export';
    });
    const result = await check(['--portal', portal.url, '--profile', spec]);
    expect(result.code).toBe(1);
    expect(failLine(result)).toMatch(/^FAIL inventory .*inventory\.exportSelector "#export" matches nothing on \/inventory/);
  }, 60_000);

  it('a license control that matches nothing: the license step names it', async () => {
    const spec = profileFile('license.json', (p) => {
      p.license.acceptSelector = '#agree';
    });
    const result = await check(['--portal', portal.url, '--profile', spec]);
    expect(result.code).toBe(1);
    expect(failLine(result)).toMatch(/^FAIL license .*license\.acceptSelector "#agree" matches nothing on \/license/);
  }, 60_000);

  it('a login form inside a frame: says so and points at login.run with a frame locator', async () => {
    const result = await check(['--portal', framedUrl, '--profile', profileFile('framed.json', () => {})]);
    expect(result.code).toBe(1);
    expect(failLine(result)).toMatch(/^FAIL login .*login\.usernameSelector "#username" matches nothing in the page \/login but matches inside a frame.*login\.run with page\.frameLocator/);
    artifacts(result);
  }, 60_000);

  it('a portal that does not answer: a timeout, with the step budget and what to try', async () => {
    const result = await check(['--portal', hanging.url]);
    expect(result.code).toBe(1);
    expect(failLine(result)).toMatch(/^FAIL (license|inventory) .*did not answer within 2 s; try: .*--step-timeout/);
    artifacts(result);
  }, 60_000);

  it('an HTML page where a PDF was expected: the document step says what came, and keeps it', async () => {
    const spec = profileFile('html.json', (p) => {
      p.document.directPath = '/vehicles/{ref}';
    });
    const result = await check(['--portal', portal.url, '--profile', spec]);
    expect(result.code).toBe(1);
    expect(failLine(result)).toMatch(/^FAIL document .*got an HTML page \(".*"\) instead of a PDF; try: .*document\.directPath/);
    const folder = artifacts(result);
    expect(existsSync(join(folder, 'body.html'))).toBe(true);
  }, 60_000);

  it('bad input (an unknown profile) is exit 2 with the one-line hint', async () => {
    const result = await check(['--portal', portal.url, '--profile', 'my-portal']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown profile "my-portal".*fleetpdf profile init my-portal/);
  });
});

/** A sign-in page whose form lives in an iframe (as on some real portals), on a throwaway server. */
async function framedLoginServer(): Promise<Server> {
  const form = '<form id="login-form" method="post" action="/login"><input id="username"><input id="password" type="password"><button id="login-submit">Sign in</button></form>';
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    if (req.url === '/frame') res.end(`<!doctype html><html><body>${form}</body></html>`);
    else res.end('<!doctype html><html><head><title>Sign in</title></head><body><h1>Portal</h1><iframe src="/frame"></iframe></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
