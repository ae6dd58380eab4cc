import type { DemoPortal, DemoPortalOptions } from '../../lib/demo-portal/index.js';
import { DEMO_CREDENTIALS } from '../../lib/demo-portal/index.js';
import type { TestJobOverrides } from '../../harness/test-job.js';
import { startCli, type CliResult } from '../../harness/cli.js';
import { checkInvariants, doneRefs, type InvariantResult } from './invariants.js';
import { runLocal, sleep, tempOut, withPortal, type LocalRun } from './harness.js';
import type { Scenario, ScenarioResult } from './types.js';

type Measured = Omit<ScenarioResult, 'ok' | 'wallSeconds'>;

function measured(name: string, vehicles: number, inv: InvariantResult, problems: string[], notes: Measured['notes']): Measured {
  return {
    scenario: name,
    vehicles,
    done: inv.done,
    failed: inv.failed,
    topFailReason: inv.topFailReason,
    failedWithoutReason: inv.failedWithoutReason,
    inDlq: 0,
    lost: inv.lost,
    duplicates: inv.duplicates,
    wrong: inv.wrong,
    problems: [...problems, ...inv.details.slice(0, 10)],
    notes,
  };
}

/** The common shape: one in-process local run against a portal with faults, then the invariants. */
async function localScenario(
  name: string,
  vehicles: number,
  portalOptions: DemoPortalOptions,
  jobOptions: (portal: DemoPortal) => TestJobOverrides,
  extra: (portal: DemoPortal, run: LocalRun, problems: string[], notes: Measured['notes']) => void = () => undefined,
): Promise<Measured> {
  const out = tempOut(name);
  let keep = false;
  try {
    return await withPortal({ vehicles, ...portalOptions }, async (portal) => {
      const run = await runLocal(portal, out.path, jobOptions(portal));
      const inv = await checkInvariants({ outDir: out.path, inventory: portal.inventory, doneMarks: run.doneMarks });
      const problems: string[] = [];
      const notes: Measured['notes'] = {
        status: run.report.status,
        retries: run.report.retries,
        session_refreshes: run.report.session_refreshes,
      };
      if (run.report.status !== 'completed') problems.push(`run ${run.report.status}: ${run.report.stop_reason ?? '?'}`);
      extra(portal, run, problems, notes);
      const result = measured(name, vehicles, inv, problems, notes);
      keep = result.problems.length > 0 || inv.lost + inv.duplicates + inv.wrong > 0;
      if (keep) result.notes.kept = out.path;
      return result;
    });
  } finally {
    if (!keep) out.cleanup();
  }
}

const fiveXx: Scenario = {
  name: '5xx',
  description: 'transient 500/502/503 on 10% of protected requests',
  defaultVehicles: 150,
  run: (o) => localScenario('5xx', o.vehicles ?? 150, { faults: '5xx=0.1' }, () => ({})),
};

const hang: Scenario = {
  name: 'hang',
  description: '2% of protected requests never answer (4 s step timeout)',
  defaultVehicles: 150,
  run: (o) => localScenario('hang', o.vehicles ?? 150, { faults: 'hang=0.02' }, () => ({ stepTimeoutSecs: 4 })),
};

const ratelimit: Scenario = {
  name: 'ratelimit',
  description: '429 above 3 requests in flight (8 workers)',
  defaultVehicles: 150,
  run: (o) =>
    localScenario('ratelimit', o.vehicles ?? 150, { faults: 'ratelimit=3', pdfLatencyMs: 20 }, () => ({}), (portal, run, _p, notes) => {
      notes.ratelimited = portal.stats().faultsInjected.ratelimit;
      if (run.report.concurrency_lowest !== undefined) notes.concurrency_lowest = run.report.concurrency_lowest;
    }),
};

const session: Scenario = {
  name: 'session',
  description: 'session expires every 100 requests, kicked every 150: one login per refresh, not per worker',
  defaultVehicles: 200,
  run: (o) =>
    localScenario('session', o.vehicles ?? 200, { faults: 'expire=100,kick=150' }, () => ({}), (portal, run, problems, notes) => {
      const s = portal.stats();
      notes.logins = s.logins;
      notes.expired = s.sessionsEnded.expired;
      notes.kicked = s.sessionsEnded.kicked;
      notes.replaced = s.sessionsEnded.replaced;
      if (s.logins !== 1 + run.report.session_refreshes) {
        problems.push(`logins ${s.logins} != 1 + session_refreshes ${run.report.session_refreshes}`);
      }
      if (s.sessionsEnded.replaced !== 0) problems.push(`sessionsEnded.replaced = ${s.sessionsEnded.replaced} (a login per worker?)`);
      if (s.sessionsEnded.expired + s.sessionsEnded.kicked === 0) problems.push('no session ended: the faults did not bite');
    }),
};

const interfere: Scenario = {
  name: 'interfere',
  description: "5% of PDF requests answered with the session's current (other) vehicle",
  defaultVehicles: 150,
  run: (o) =>
    localScenario('interfere', o.vehicles ?? 150, { faults: 'interfere=0.05' }, () => ({}), (portal, run, problems, notes) => {
      const served = portal.stats().wrongPdfServed;
      notes.wrong_served = served;
      notes.wrong_rejected = run.report.wrong_documents_rejected;
      if (run.report.wrong_documents_rejected !== served) {
        problems.push(`wrong_documents_rejected ${run.report.wrong_documents_rejected} != portal wrongPdfServed ${served}`);
      }
    }),
};

const down: Scenario = {
  name: 'down',
  description: 'portal answers 503 to everything for 20 s mid-run; the breaker pauses instead of failing refs',
  defaultVehicles: 150,
  run: (o) => {
    const vehicles = o.vehicles ?? 150;
    let downAt = -1;
    return localScenario(
      'down',
      vehicles,
      { pdfLatencyMs: 20 },
      (portal) => {
        let done = 0;
        let wentDown = false;
        let startedAt = 0;
        return {
          pauseSecs: 2,
          onStart: () => {
            startedAt = Date.now();
          },
          onAttempt: (a) => {
            if (a.result !== 'done') return;
            done += 1;
            // "mid-run": once a fifth of the inventory is DONE, take the portal down for 20 s.
            if (!wentDown && done >= Math.max(1, Math.floor(vehicles / 5))) {
              wentDown = true;
              downAt = Math.round((Date.now() - startedAt) / 100) / 10;
              portal.setFaults('down=20');
            }
          },
        };
      },
      (portal, run, problems, notes) => {
        notes.down_at_s = downAt;
        notes.breaker_opens = run.report.breaker_opens ?? 0;
        notes.down_503s = portal.stats().faultsInjected.down;
        if (downAt < 0) problems.push('the portal was never taken down');
        if ((run.report.breaker_opens ?? 0) < 1) problems.push('breaker_opens = 0: the breaker never opened');
        if (run.report.succeeded !== vehicles) problems.push(`only ${run.report.succeeded}/${vehicles} DONE`);
      },
    );
  },
};

const cliCreds = { PORTAL_USER: DEMO_CREDENTIALS.username, PORTAL_PASS: DEMO_CREDENTIALS.password };

function randomInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

const kill: Scenario = {
  name: 'kill',
  description: 'CLI child process SIGKILLed three times after 10-60 PDFs, then resumed to the end',
  defaultVehicles: 200,
  run: async (o) => {
    const vehicles = o.vehicles ?? 200;
    const out = tempOut('kill');
    let keep = false;
    try {
      return await withPortal({ vehicles, pdfLatencyMs: 30 }, async (portal) => {
        const args = ['run', '--portal', portal.url, '--out', out.path, '--workers', '8', '--retry-delay', '50', '--step-timeout', '10', '--json'];
        const problems: string[] = [];
        const doneBeforeKill = new Map<string, number>();
        const killPoints: number[] = [];
        for (let k = 0; k < 3; k += 1) {
          const target = randomInt(10, 60);
          killPoints.push(target);
          const base = portal.stats().pdfRequests;
          const child = startCli(args, cliCreds);
          const deadline = Date.now() + 90_000;
          let exited: CliResult | undefined;
          void child.done.then((r) => (exited = r));
          while (!exited && portal.stats().pdfRequests - base < target && Date.now() < deadline) await sleep(10);
          if (exited) {
            problems.push(`run ${k + 1} ended (code ${exited.code}) before ${target} PDFs: ${exited.stderr.trim().split('\n').pop() ?? ''}`);
            break;
          }
          child.child.kill('SIGKILL');
          const killed = await child.done;
          if (killed.signal !== 'SIGKILL') problems.push(`run ${k + 1}: expected death by SIGKILL, got code ${killed.code}`);
          // The child is dead: nothing more reaches the portal from it. Remember how often each
          // newly DONE ref had been served by now; any later serve is a re-download.
          const servedNow = portal.stats().pdfServed;
          for (const ref of doneRefs(out.path)) if (!doneBeforeKill.has(ref)) doneBeforeKill.set(ref, servedNow[ref] ?? 0);
        }
        const final = await startCli(args, cliCreds).done;
        if (final.code !== 0) problems.push(`final run exit ${final.code}: ${final.stderr.trim().split('\n').slice(-2).join(' | ')}`);
        const served = portal.stats().pdfServed;
        const inv = await checkInvariants({ outDir: out.path, inventory: portal.inventory, doneBeforeKill, pdfServed: served });
        if (inv.done !== vehicles) problems.push(`only ${inv.done}/${vehicles} DONE after the final run`);
        const refetched = Object.values(served).filter((n) => n > 1).length;
        const result = measured('kill', vehicles, inv, problems, {
          kill_after_pdfs: killPoints.join('/'),
          done_before_kills: doneBeforeKill.size,
          refetched_in_flight: refetched,
        });
        keep = result.problems.length > 0 || inv.lost + inv.duplicates + inv.wrong > 0;
        if (keep) result.notes.kept = out.path;
        return result;
      });
    } finally {
      if (!keep) out.cleanup();
    }
  },
};

const badCredentials: Scenario = {
  name: 'badcreds',
  description: 'wrong PORTAL_PASS via the CLI: one failed login, exit 3, zero PDFs requested',
  defaultVehicles: 20,
  run: async (o) => {
    const vehicles = o.vehicles ?? 20;
    const out = tempOut('badcreds');
    try {
      return await withPortal({ vehicles }, async (portal) => {
        const result = await startCli(['run', '--portal', portal.url, '--out', out.path, '--workers', '8'], {
          PORTAL_USER: DEMO_CREDENTIALS.username,
          PORTAL_PASS: 'not-the-password',
        }).done;
        const s = portal.stats();
        const problems: string[] = [];
        if (result.code !== 3) problems.push(`exit ${result.code}, expected 3`);
        if (s.failedLogins !== 1) problems.push(`failedLogins ${s.failedLogins}, expected exactly 1`);
        if (s.logins !== 0) problems.push(`logins ${s.logins}, expected 0`);
        if (s.pdfRequests !== 0) problems.push(`${s.pdfRequests} PDFs requested, expected 0`);
        if ((result.stdout + result.stderr).includes('not-the-password')) problems.push('the password appears in the output');
        const inv = await checkInvariants({ outDir: out.path, inventory: [] });
        return {
          ...measured('badcreds', vehicles, inv, problems, {
            exit: result.code ?? -1,
            failed_logins: s.failedLogins,
            pdf_requests: s.pdfRequests,
            message: result.stderr.trim().split('\n').pop()?.slice(0, 80) ?? '',
          }),
          // Nothing was registered: the run stopped before the inventory, so nothing can be lost.
          done: 0,
        };
      });
    } finally {
      out.cleanup();
    }
  },
};

/**
 * A fault that must stop the run (exit 3, one line saying why) with little harm done; with the
 * fault gone, the same run resumes to the end with nothing lost, doubled or wrong.
 */
function stopThenResume(spec: {
  name: string;
  description: string;
  faults: string;
  fetch: 'browser' | 'direct';
  /** The line the stopped run must print. */
  says: RegExp;
  /** What the stopped run may cost at most, from the portal's stats (e.g. logins). */
  limits: (portal: DemoPortal) => Record<string, { value: number; max: number }>;
}): Scenario {
  return {
    name: spec.name,
    description: spec.description,
    defaultVehicles: 60,
    run: async (o) => {
      const vehicles = o.vehicles ?? 60;
      const out = tempOut(spec.name);
      let keep = false;
      try {
        return await withPortal({ vehicles, faults: spec.faults }, async (portal) => {
          const args = ['run', '--portal', portal.url, '--out', out.path, '--workers', '8', '--fetch', spec.fetch];
          const problems: string[] = [];
          const stopped = await startCli(args, cliCreds).done;
          const limits = spec.limits(portal);
          if (stopped.code !== 3) problems.push(`exit ${stopped.code} under ${spec.faults}, expected 3`);
          if (!spec.says.test(stopped.stderr)) problems.push(`no line matching ${spec.says}`);
          for (const [what, { value, max }] of Object.entries(limits)) {
            if (value > max) problems.push(`${value} ${what} before it stopped, expected at most ${max}`);
          }
          portal.setFaults('');
          const fixed = await startCli(args, cliCreds).done;
          if (fixed.code !== 0) problems.push(`resumed run exit ${fixed.code}: ${fixed.stderr.trim().split('\n').slice(-2).join(' | ')}`);
          const inv = await checkInvariants({ outDir: out.path, inventory: portal.inventory });
          if (inv.done !== vehicles) problems.push(`only ${inv.done}/${vehicles} DONE after the resume`);
          const notes: Measured['notes'] = { stopped_exit: stopped.code ?? -1 };
          for (const [what, { value }] of Object.entries(limits)) notes[`${what}_before_stop`] = value;
          const result = measured(spec.name, vehicles, inv, problems, notes);
          keep = result.problems.length > 0 || inv.lost + inv.duplicates + inv.wrong > 0;
          if (keep) result.notes.kept = out.path;
          return result;
        });
      } finally {
        if (!keep) out.cleanup();
      }
    },
  };
}

const storm = stopThenResume({
  name: 'storm',
  description: 'every new session ends at its first document (a login storm): exit 3 after a handful of logins; fixed, the run resumes to the end',
  faults: 'bounce=1',
  fetch: 'browser',
  says: /the portal ends every new session at once/,
  limits: (portal) => ({ logins: { value: portal.stats().logins, max: 5 } }),
});

const retryAfter = stopThenResume({
  name: 'retry-after',
  description: 'every PDF answers 429 with Retry-After: 86400: exit 3 at once with "asked to wait 24 h"; the next day (fault gone) the run resumes to the end',
  faults: 'wait=86400',
  fetch: 'direct',
  says: /the portal asked to wait 24 h \(Retry-After\).*run again later/,
  // One 429 per worker lane at most before the run stops, not one per vehicle.
  limits: (portal) => ({ pdf_requests: { value: portal.stats().pdfRequests, max: 8 * 2 } }),
});

export const SCENARIOS: Scenario[] = [fiveXx, hang, ratelimit, session, interfere, kill, down, storm, retryAfter, badCredentials];
