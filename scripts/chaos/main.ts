/**
 * `npm run chaos`: full local runs against the demo portal's fault knobs, and offline cloud
 * runs (synthesized state machine, real handlers, emulated AWS), with the DESIGN.md
 * invariants checked after each (nothing lost, nothing duplicated, nothing wrong stored, every
 * FAILED ref with a reason). Exit 0 only if every scenario held them.
 *
 *   npx tsx scripts/chaos/main.ts [--only NAME[,NAME]] [--vehicles N] [--json]
 */
import { parseArgs } from 'node:util';
import { CLOUD_SCENARIOS, closeCloudScenarios } from './cloud-scenarios.js';
import { SCENARIOS as LOCAL_SCENARIOS } from './scenarios.js';
import { formatTable } from './table.js';
import type { ScenarioResult } from './types.js';

const SCENARIOS = [...LOCAL_SCENARIOS, ...CLOUD_SCENARIOS];

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      vehicles: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      `usage: chaos [--only NAME[,NAME]] [--vehicles N] [--json]\nscenarios:\n${SCENARIOS.map((s) => `  ${s.name.padEnd(10)} ${s.description}`).join('\n')}\n`,
    );
    return 0;
  }
  let vehicles: number | undefined;
  if (values.vehicles !== undefined) {
    vehicles = Number(values.vehicles);
    if (!Number.isInteger(vehicles) || vehicles < 1 || vehicles > 100_000) {
      process.stderr.write(`--vehicles must be a whole number from 1 to 100000, got ${JSON.stringify(values.vehicles)}\n`);
      return 2;
    }
  }
  let selected = SCENARIOS;
  if (values.only) {
    const names = values.only.split(',').map((n) => n.trim()).filter(Boolean);
    const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
    if (unknown.length || names.length === 0) {
      process.stderr.write(`--only: unknown scenario ${unknown.join(', ') || '(none)'}; known: ${SCENARIOS.map((s) => s.name).join(', ')}\n`);
      return 2;
    }
    selected = SCENARIOS.filter((s) => names.includes(s.name));
  }

  const log = (line: string) => process.stderr.write(`${line}\n`);
  const results: ScenarioResult[] = [];
  const started = Date.now();
  for (const scenario of selected) {
    log(`chaos: ${scenario.name}: ${scenario.description} ...`);
    const t0 = Date.now();
    let result: ScenarioResult;
    try {
      const m = await scenario.run({ vehicles, log });
      result = { ...m, wallSeconds: (Date.now() - t0) / 1000, ok: false };
    } catch (error) {
      result = {
        scenario: scenario.name,
        vehicles: vehicles ?? scenario.defaultVehicles,
        done: 0,
        failed: 0,
        failedWithoutReason: 0,
        inDlq: 0,
        lost: vehicles ?? scenario.defaultVehicles,
        duplicates: 0,
        wrong: 0,
        wallSeconds: (Date.now() - t0) / 1000,
        problems: [`crashed: ${(error as Error).stack ?? String(error)}`],
        notes: {},
        ok: false,
      };
    }
    result.ok = result.lost === 0 && result.duplicates === 0 && result.wrong === 0 && result.failedWithoutReason === 0 && result.problems.length === 0;
    log(`chaos: ${scenario.name}: ${result.ok ? 'ok' : 'FAIL'} in ${result.wallSeconds.toFixed(1)} s`);
    results.push(result);
  }
  const wallSeconds = (Date.now() - started) / 1000;
  const ok = results.every((r) => r.ok);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ok, wall_seconds: wallSeconds, scenarios: results }, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatTable(results, [])}\ntotal wall time ${wallSeconds.toFixed(1)} s: ${ok ? 'all invariants held' : 'INVARIANTS BROKEN'}\n`);
  }
  return ok ? 0 : 1;
}

main().then(
  async (code) => {
    await closeCloudScenarios();
    process.exit(code);
  },
  (error) => {
    process.stderr.write(`chaos: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
  },
);
