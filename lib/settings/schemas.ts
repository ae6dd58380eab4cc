import { z } from 'zod';

/*
 * Schemas of setting values. Messages leave out the setting's name: the parser puts the
 * name in front the way its source spells it (`--workers`, `MAX_ATTEMPTS`, `maxAttempts`).
 */

export const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

export const fraction = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/** `-c flag=true` and environment variables arrive as strings. */
export const flag = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  const text = value.trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  return value;
}, z.boolean({ error: 'must be true or false' }));

/** A portal URL: http(s), and never `user:pass@` (that would copy a password into the db and every function's environment). */
export const portalUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://portal.example.com' })
  // Runs even when the URL check above failed: an unparsable value is that check's to report.
  .refine((url) => !URL.canParse(url) || (!new URL(url).username && !new URL(url).password), {
    error: 'must not contain a user name or password: the credentials go in PORTAL_USER / PORTAL_PASS or the credentials secret',
  });

export const text = z.string().trim().min(1, 'must not be empty');

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be ${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}` });
