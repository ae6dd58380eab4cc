import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { runCli, startCli } from '../../harness/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const creds = { PORTAL_USER: DEMO_CREDENTIALS.username, PORTAL_PASS: DEMO_CREDENTIALS.password };

describe('fleetpdf run interrupted with Ctrl-C (SIGINT)', () => {
  let portal: DemoPortal;
  let dir: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    portal = await startDemoPortal({ vehicles: 50, pdfLatencyMs: 50 });
    dir = tempDir();
  });
  afterAll(async () => {
    await portal.close();
    dir.cleanup();
  });

  it('stops cleanly (exit 130, report written, no lease left behind) and the next run finishes the rest', async () => {
    const args = ['run', '--portal', portal.url, '--out', dir.path, '--workers', '4', '--json'];
    const first = startCli(args, creds);
    const deadline = Date.now() + 60_000;
    while (portal.stats().pdfRequests < 12 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGINT');
    const stopped = await first.done;
    expect(stopped.code, stopped.stderr).toBe(130);
    const report = JSON.parse(stopped.stdout);
    expect(report.status).toBe('stopped');
    expect(report.stop_reason).toBe('interrupted');
    expect(report.succeeded).toBeGreaterThan(0);
    expect(report.succeeded).toBeLessThan(50);

    const db = new Database(join(dir.path, 'fleetpdf.db'), { readonly: true });
    const leased = db.prepare(`SELECT COUNT(*) AS n FROM vehicles WHERE status = 'IN_PROGRESS'`).get() as { n: number };
    db.close();
    expect(leased.n).toBe(0);

    const second = await runCli(args, creds);
    expect(second.code, second.stderr).toBe(0);
    const final = JSON.parse(second.stdout);
    expect(final.runId).toBe(report.runId);
    expect(final.succeeded).toBe(50);
    expect(Math.max(...Object.values(portal.stats().pdfServed))).toBe(1);
  }, 120_000);
});
