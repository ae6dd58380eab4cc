import { closeSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { assertWalReadable } from '../../lib/adapters/local/open-database.js';
import { InputError } from '../../lib/core/errors.js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { runCli, startCli } from '../../harness/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const creds = { PORTAL_USER: DEMO_CREDENTIALS.username, PORTAL_PASS: DEMO_CREDENTIALS.password };
const RUN_FOLDER = /^\d{4}-\d{2}-\d{2}-\d+$/;

describe('a WAL damaged after kill -9: never a silent fresh start', () => {
  let portal: DemoPortal;
  let dir: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    portal = await startDemoPortal({ vehicles: 40, pdfLatencyMs: 40 });
    dir = tempDir();
  });
  afterAll(async () => {
    await portal.close();
    dir.cleanup();
  });

  it('exits 2 with one line saying what to do, changes nothing, downloads nothing', async () => {
    const args = ['run', '--portal', portal.url, '--out', dir.path, '--workers', '2', '--json'];
    const first = startCli(args, creds);
    const deadline = Date.now() + 60_000;
    while (portal.stats().pdfRequests < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');

    const wal = join(dir.path, 'fleetpdf.db-wal');
    expect(statSync(wal).size, 'the progress is still in the WAL').toBeGreaterThan(32);
    const fd = openSync(wal, 'r+');
    writeSync(fd, Buffer.alloc(8, 0xff), 0, 8, 0);
    closeSync(fd);
    const walBefore = readFileSync(wal);
    const folders = readdirSync(dir.path).filter((f) => RUN_FOLDER.test(f));
    expect(folders).toHaveLength(1);
    const pdfsBefore = readdirSync(join(dir.path, folders[0]!)).filter((f) => f.endsWith('.pdf'));
    expect(pdfsBefore.length).toBeGreaterThan(0);
    const requests = portal.stats().pdfRequests;

    const second = await runCli(args, creds);
    expect(second.code, second.stderr).toBe(2);
    const errors = second.stderr.split('\n').filter((l) => l.startsWith('fleetpdf: error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/fleetpdf\.db-wal is damaged/);
    expect(errors[0]).toMatch(/nothing was changed/);
    expect(second.stdout).toBe('');
    // Nothing touched: the WAL as we left it, no new run folder, the PDFs still there, none fetched.
    expect(readFileSync(wal).equals(walBefore)).toBe(true);
    expect(readdirSync(dir.path).filter((f) => RUN_FOLDER.test(f))).toEqual(folders);
    expect(readdirSync(join(dir.path, folders[0]!)).filter((f) => f.endsWith('.pdf'))).toEqual(pdfsBefore);
    expect(portal.stats().pdfRequests).toBe(requests);
  }, 120_000);
});

describe('assertWalReadable', () => {
  it('accepts no WAL, an empty one and a real header; refuses a short or foreign one', () => {
    const tmp = tempDir();
    try {
      const wal = join(tmp.path, 'x.db-wal');
      expect(() => assertWalReadable(wal, 'x.db')).not.toThrow();
      writeFileSync(wal, '');
      expect(() => assertWalReadable(wal, 'x.db')).not.toThrow();
      const header = Buffer.alloc(32);
      header.writeUInt32BE(0x377f0682, 0);
      header.writeUInt32BE(3007000, 4);
      writeFileSync(wal, header);
      expect(() => assertWalReadable(wal, 'x.db')).not.toThrow();
      writeFileSync(wal, header.subarray(0, 16));
      expect(() => assertWalReadable(wal, 'x.db')).toThrow(InputError);
      writeFileSync(wal, Buffer.alloc(4096, 0x41));
      expect(() => assertWalReadable(wal, 'x.db')).toThrow(/x\.db-wal is damaged/);
    } finally {
      tmp.cleanup();
    }
  });
});
