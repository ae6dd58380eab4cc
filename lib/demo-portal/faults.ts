import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { createRandom } from './prng.js';
import type { FaultSpec } from './types.js';

type FaultKey = keyof FaultSpec;

const decimal = /^(?:\d+(?:\.\d*)?|\.\d+)$/;
const probability = z.string().regex(decimal).transform(Number).pipe(z.number().min(0).max(1));
const count = z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER));
const seconds = z.string().regex(decimal).transform(Number).pipe(z.number().gt(0).max(86_400));

/** Each fault's value schema and the one-line rule it breaks. */
const FAULTS: Record<FaultKey, { schema: z.ZodType<number, string>; rule: string }> = {
  '5xx': { schema: probability, rule: 'a probability between 0 and 1' },
  hang: { schema: probability, rule: 'a probability between 0 and 1' },
  interfere: { schema: probability, rule: 'a probability between 0 and 1' },
  expire: { schema: count, rule: 'a positive whole number of requests' },
  kick: { schema: count, rule: 'a positive whole number of requests' },
  ratelimit: { schema: count, rule: 'a positive whole number of concurrent requests' },
  down: { schema: seconds, rule: 'a number of seconds greater than 0' },
  bounce: { schema: probability, rule: 'a probability between 0 and 1' },
  wait: { schema: seconds, rule: 'a number of seconds greater than 0, at most 86400' },
};
const KNOWN = Object.keys(FAULTS) as FaultKey[];
const isFaultKey = (key: string): key is FaultKey => Object.hasOwn(FAULTS, key);

/**
 * Parse `5xx=0.05,hang=0.01,expire=200,...`. Empty string = no faults. Any bad item throws an
 * InputError naming it, e.g. `bad --faults item "5xx=abc": 5xx must be a probability between 0 and 1`.
 */
export function parseFaults(spec: string): FaultSpec {
  const faults: FaultSpec = {};
  for (const raw of spec.split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const bad = (why: string) => new InputError(`bad --faults item "${item}": ${why}`);
    const eq = item.indexOf('=');
    if (eq < 0) throw bad(`expected key=value (keys: ${KNOWN.join(', ')})`);
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (!isFaultKey(key)) throw bad(`unknown fault "${key}" (known: ${KNOWN.join(', ')})`);
    if (faults[key] !== undefined) throw bad(`${key} is given twice`);
    const parsed = FAULTS[key].schema.safeParse(value);
    if (!parsed.success) throw bad(`${key} must be ${FAULTS[key].rule}`);
    faults[key] = parsed.data;
  }
  return faults;
}

const FaultSpecSchema = z
  .object({
    '5xx': z.number().min(0).max(1),
    hang: z.number().min(0).max(1),
    interfere: z.number().min(0).max(1),
    expire: z.number().int().min(1),
    kick: z.number().int().min(1),
    ratelimit: z.number().int().min(1),
    down: z.number().gt(0),
    bounce: z.number().min(0).max(1),
    wait: z.number().gt(0).max(86_400),
  })
  .partial()
  .strict();

/** Accept a spec string or object; either way the result is validated. */
export function normalizeFaults(spec: string | FaultSpec | undefined): FaultSpec {
  if (spec === undefined) return {};
  if (typeof spec === 'string') return parseFaults(spec);
  const parsed = FaultSpecSchema.safeParse(spec);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length ? String(issue.path[0]) : 'faults';
  throw new InputError(`bad faults ${where}: ${issue.message}`);
}

/** The spec back as a string (for logs and GET /__admin/faults). */
export function formatFaults(faults: FaultSpec): string {
  return KNOWN.filter((k) => faults[k] !== undefined)
    .map((k) => `${k}=${faults[k]}`)
    .join(',');
}

/**
 * The live fault state: the spec, when it took effect (for `down`), the portal-wide counter
 * for `kick`, and a seeded random stream so a run's faults are reproducible.
 */
export class Faults {
  spec: FaultSpec = {};
  private since = Date.now();
  private protectedRequests = 0;
  private readonly random: () => number;

  constructor(spec: FaultSpec, seed: number) {
    this.random = createRandom(seed * 104_729 + 3);
    this.set(spec);
  }

  set(spec: FaultSpec): void {
    this.spec = spec;
    this.since = Date.now();
    this.protectedRequests = 0;
  }

  /** Seconds left in the `down` window, or 0 when the portal is up. */
  downFor(now = Date.now()): number {
    const down = this.spec.down;
    if (!down) return 0;
    const left = this.since + down * 1000 - now;
    return left > 0 ? left / 1000 : 0;
  }

  /** A draw against probability p; no draw at all when the fault is off. */
  roll(p: number | undefined): boolean {
    if (!p) return false;
    return this.random() < p;
  }

  /** Count one authenticated protected request; true when this one triggers a kick. */
  countForKick(): boolean {
    const k = this.spec.kick;
    if (!k) return false;
    this.protectedRequests += 1;
    return this.protectedRequests % k === 0;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }
}
