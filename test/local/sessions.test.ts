import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../lib/adapters/local/index.js';
import { startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { defaultSettings } from '../../lib/settings/index.js';
import { tempDir } from '../helpers/fixtures.js';
import { expectAllStoredAndVerified, runAgainst } from '../helpers/local-run.js';

/**
 * Sessions that die often are the portal's state, not the vehicles': no attempt is spent on
 * them, concurrency comes down so a short session serves whole vehicles, and a portal that ends
 * every new session at once stops the run after a handful of logins (invariant 4).
 */
describe('sessions that die often', () => {
  let portal: DemoPortal | undefined;
  let dir: ReturnType<typeof tempDir> | undefined;
  afterEach(async () => {
    await portal?.close();
    dir?.cleanup();
  });

  it.each(['browser', 'direct'] as const)(
    'a session that lasts 10 requests, 8 workers, the %s path: every vehicle DONE on its first attempt, logins far below one per vehicle',
    async (fetchMode) => {
      portal = await startDemoPortal({ vehicles: 40, faults: 'expire=10' });
      dir = tempDir();
      const { report, folder } = await runAgainst(portal, dir.path, { workers: 8, fetchMode, maxAttempts: 3 });
      expect(report.status).toBe('completed');
      expect(report.succeeded).toBe(40);
      expect(report.failed).toBe(0);
      const stats = portal.stats();
      expect(stats.sessionsEnded.expired).toBeGreaterThan(2);
      // Single-flight: each ended session one login; and an ended session never used an attempt.
      expect(stats.logins).toBe(1 + report.session_refreshes);
      expect(stats.logins).toBeLessThan(40);
      const store = SqliteStore.open(dir.path);
      try {
        const rows = await store.list(report.runId);
        expect(rows.map((r) => r.attempts)).toEqual(rows.map(() => 1));
      } finally {
        store.close();
      }
      // The limit came down: fewer requests in flight let a 10-request session serve whole vehicles.
      expect(report.concurrency_lowest).toBeLessThan(8);
      await expectAllStoredAndVerified(portal, folder);
    },
    120_000,
  );

  it('a portal that ends every new session at once stops the run after maxFruitlessLogins logins, nothing FAILED', async () => {
    portal = await startDemoPortal({ vehicles: 30, faults: 'bounce=1' });
    dir = tempDir();
    const { report, stopError } = await runAgainst(portal, dir.path, { workers: 8, fetchMode: 'browser' });
    expect(report.status).toBe('stopped');
    expect(stopError).toMatchObject({ reason: 'session_storm' });
    expect(report.stop_reason).toMatch(/^the portal ends every new session at once: the last 5 logins served no document/);
    expect(portal.stats().logins).toBe(defaultSettings('local').maxFruitlessLogins);
    expect(report.failed).toBe(0);
    expect(report.succeeded).toBe(0);
    // Nothing was consumed: the run resumes once the cause is fixed.
    expect(report.pending).toHaveLength(30);
  }, 120_000);
});
