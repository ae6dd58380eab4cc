import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { FETCH_MODES } from '../core/portal/profile.js';
import type { Credentials } from '../core/types.js';

const whole = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);

/** Options of `fleetpdf run`, checked once; every bad value becomes one line naming the option. */
export const RunOptionsSchema = z.object({
  portal: z
    .url({ protocol: /^https?$/, error: '--portal must be an http(s) URL, e.g. https://portal.example.com' })
    // Runs even when the URL check above failed: an unparsable value is that check's to report.
    .refine((url) => !URL.canParse(url) || (!new URL(url).username && !new URL(url).password), {
      error: '--portal must not contain a user name or password: use PORTAL_USER / PORTAL_PASS',
    })
    .optional(),
  profile: z.string().min(1).default('dealer-values'),
  vehicles: whole('--vehicles', 1, 100_000).default(200),
  workers: whole('--workers', 1, 64).default(8),
  out: z.string().min(1).default('./output'),
  new: z.boolean().default(false),
  json: z.boolean().default(false),
  latency: whole('--latency', 0, 600_000).default(0),
  pdfLatency: whole('--pdf-latency', 0, 600_000).default(0),
  faults: z.string().optional(),
  attempts: whole('--attempts', 1, 20).default(3),
  timeout: whole('--timeout', 1, 3600).default(60),
  stepTimeout: whole('--step-timeout', 1, 600).default(20),
  limit: whole('--limit', 1, 10_000_000).optional(),
  retryDelay: whole('--retry-delay', 0, 600_000).default(1000),
  blockResources: z.boolean().default(true),
  fetch: z.enum(FETCH_MODES, { error: '--fetch must be auto, browser or direct' }).default('auto'),
  seed: whole('--seed', 0, 2 ** 31).default(1),
});
export type RunOptions = z.infer<typeof RunOptionsSchema>;

export function parseOptions<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const option = issue.path.length ? `--${String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : 'options';
  const message = issue.message.startsWith('--') ? issue.message : `${option}: ${issue.message}`;
  throw new InputError(message);
}

/**
 * Portal credentials from PORTAL_USER / PORTAL_PASS (environment, or a .env file in the
 * working directory). The bundled demo portal uses its own built-in ones, so a real
 * portal's password is never sent to it.
 */
export function loadCredentials(demo: Credentials | undefined, cwd = process.cwd()): Credentials {
  if (demo) return demo;
  const envFile = resolve(cwd, '.env');
  if (existsSync(envFile)) loadDotenv({ path: envFile, quiet: true });
  const username = process.env.PORTAL_USER;
  const password = process.env.PORTAL_PASS;
  if (username && password) return { username, password };
  throw new InputError('no portal credentials: set PORTAL_USER and PORTAL_PASS (environment or .env)');
}
