/**
 * One bench task in a process of its own (see isolated.ts): `setting` or `variant`, its plan as
 * JSON in argv[3]; prints the measurement as one JSON line on stdout. A fresh process per task
 * keeps one task's leftovers (V8 heap, caches) out of the next one's memory figures.
 */
import { runVariant, type BrowserVariant, type VariantPlan } from './browser-variants.js';
import { runSetting, type SettingPlan } from './runner.js';

const [task, planJson] = process.argv.slice(2);
const log = (line: string) => process.stderr.write(`${line}\n`);
const plan = JSON.parse(planJson ?? '{}') as Record<string, unknown>;

async function run(): Promise<unknown> {
  if (task === 'setting') return runSetting({ ...(plan as Omit<SettingPlan, 'log'>), log: plan.verbose ? log : () => undefined });
  if (task === 'variant') {
    const { variant, ...rest } = plan as { variant: BrowserVariant } & Omit<VariantPlan, 'log'>;
    return runVariant(variant, { ...rest, log });
  }
  throw new Error(`unknown bench task ${String(task)}`);
}

run().then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
