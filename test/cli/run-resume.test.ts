import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { PdfVerifier } from '../../lib/core/verify/index.js';
import { runCli, startCli } from '../../harness/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const verifier = new PdfVerifier();
afterAll(() => verifier.close());

const creds = { PORTAL_USER: DEMO_CREDENTIALS.username, PORTAL_PASS: DEMO_CREDENTIALS.password };

describe('fleetpdf run killed with SIGKILL, then run again', () => {
  let portal: DemoPortal;
  let dir: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    portal = await startDemoPortal({ vehicles: 60, pdfLatencyMs: 40 });
    dir = tempDir();
  });
  afterAll(async () => {
    await portal.close();
    dir.cleanup();
  });

  it('continues the same run and downloads no DONE vehicle twice', async () => {
    const workers = 4;
    const args = ['run', '--portal', portal.url, '--out', dir.path, '--workers', String(workers), '--json'];
    // A lane fetches one vehicle while it stores the one before: up to 2 x workers are in flight at the kill.
    const inFlightAtKill = 2 * workers;
    const first = startCli(args, creds);
    const deadline = Date.now() + 60_000;
    while (portal.stats().pdfRequests < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');

    const db = new Database(join(dir.path, 'fleetpdf.db'), { readonly: true });
    const doneAtKill = (db.prepare(`SELECT ref FROM vehicles WHERE status = 'DONE'`).all() as { ref: string }[]).map((r) => r.ref);
    db.close();
    // 20 PDFs were requested before the kill, and at most inFlightAtKill of them were not DONE yet.
    expect(doneAtKill.length).toBeGreaterThanOrEqual(20 - inFlightAtKill);
    expect(doneAtKill.length).toBeLessThan(60);

    const second = await runCli(args, creds);
    expect(second.code, second.stderr).toBe(0);
    const report = JSON.parse(second.stdout);
    expect(report.succeeded).toBe(60);
    expect(report.failed).toBe(0);

    const served = portal.stats().pdfServed;
    for (const ref of doneAtKill) expect(served[ref], `${ref} was DONE before the kill`).toBe(1);
    const twice = Object.entries(served).filter(([, n]) => n > 1);
    // Only vehicles in flight at the moment of the kill can have been fetched twice.
    expect(twice.length).toBeLessThanOrEqual(inFlightAtKill);
    for (const vehicle of portal.inventory) {
      const bytes = readFileSync(join(report.output, `${vehicle.ref}.pdf`));
      await expect(verifier.verify(bytes, vehicle)).resolves.toHaveProperty('sha256');
    }
  }, 180_000);
});
