import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import type { z } from 'zod';
import { InputError } from '../core/errors.js';
import type { Credentials } from '../core/types.js';

export function parseOptions<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const option = issue.path.length ? `--${String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : 'options';
  const message = issue.message.startsWith('--') ? issue.message : `${option}: ${issue.message}`;
  throw new InputError(message);
}

/**
 * Portal credentials from PORTAL_USER / PORTAL_PASS, and PORTAL_TOTP_SECRET for a portal that
 * asks for a one-time code (environment, or a .env file in the
 * working directory). The bundled demo portal uses its own built-in ones, so a real
 * portal's password is never sent to it.
 */
export function loadCredentials(demo: Credentials | undefined, cwd = process.cwd()): Credentials {
  if (demo) return demo;
  const envFile = resolve(cwd, '.env');
  if (existsSync(envFile)) loadDotenv({ path: envFile, quiet: true });
  const username = process.env.PORTAL_USER;
  const password = process.env.PORTAL_PASS;
  const totpSecret = process.env.PORTAL_TOTP_SECRET?.trim();
  if (username && password) return totpSecret ? { username, password, totpSecret } : { username, password };
  throw new InputError('no portal credentials: set PORTAL_USER and PORTAL_PASS (environment or .env)');
}
