import { z } from 'zod';
import { InputError } from '../core/errors.js';
import type { PortalProfile } from '../core/portal/profile.js';
import { FETCH_MODES } from '../settings/index.js';

/**
 * The shape of a profile, checked when a user's file is loaded, so a typo is one line naming
 * the file and the field instead of a timeout in the middle of a run. Objects are loose: a
 * field or hook this schema does not know yet passes through unchanged (profiles grow hooks
 * faster than this file), and functions are only checked to be functions.
 */

const text = z.string().min(1, 'expected a non-empty string');
const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'expected a function');

/** A RegExp in a module; in a JSON profile its source as a string (`"^/login\\b"`). */
const regex = z.union([
  z.instanceof(RegExp),
  z.string().transform((source, ctx) => {
    try {
      return new RegExp(source);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `expected a regular expression (${(error as Error).message})` });
      return z.NEVER;
    }
  }),
], { error: 'expected a regular expression (a string in JSON)' });

const login = z
  .looseObject({
    path: text,
    usernameSelector: text.optional(),
    passwordSelector: text.optional(),
    submitSelector: text.optional(),
    errorSelector: text.optional(),
    run: fn.optional(),
  })
  .superRefine((value, ctx) => {
    // The default fill-and-submit needs its selectors; a login.run hook replaces them.
    if (value.run) return;
    for (const key of ['usernameSelector', 'passwordSelector', 'submitSelector', 'errorSelector'] as const) {
      if (value[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'missing: expected a CSS selector (or a login.run hook)' });
    }
  });

export const profileSchema = z.looseObject({
  name: text,
  description: z.string().default(''),
  login,
  license: z.looseObject({ urlPattern: regex, acceptSelector: text.optional() }).optional(),
  session: z.looseObject({ loginUrlPattern: regex, loginPageMarker: regex.optional() }),
  inventory: z.looseObject({
    path: text,
    clearFiltersSelector: text.optional(),
    exportSelector: text.optional(),
    columns: z.looseObject({ ref: text, vin: text.optional() }),
    run: fn.optional(),
    validate: fn.optional(),
  }),
  document: z.looseObject({
    pagePath: text,
    downloadSelector: text.optional(),
    directPath: text.optional(),
    fetch: z.enum(FETCH_MODES).optional(),
    run: fn.optional(),
    crossOriginRedirects: z.enum(['follow-without-cookies', 'refuse']).optional(),
  }),
  allowedOrigins: z.array(z.url()).optional(),
  blockResources: z.array(z.enum(['image', 'font', 'media', 'stylesheet'])).default([]),
  clicks: z.enum(['dom', 'mouse']).optional(),
});

const ARTICLE: Record<string, string> = {
  string: 'a string',
  object: 'an object',
  array: 'a list',
  number: 'a number',
  boolean: 'true or false',
};

/** One zod issue as the end of the one-line message. */
function issueText(issue: z.core.$ZodIssue): string {
  const at = issue.path.length ? `${issue.path.map(String).join('.')}: ` : '';
  if (issue.code === 'invalid_type') {
    const expected = ARTICLE[issue.expected] ?? issue.expected;
    return `${at}${/received undefined/.test(issue.message) ? 'missing: ' : ''}expected ${expected}`;
  }
  if (issue.code === 'invalid_value') return `${at}expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return `${at}${issue.message}`;
}

/**
 * The profile in `raw`, checked; `label` names it in errors (`profile ./acme.json: login.path: ...`).
 * A module's object is returned as it is (its hooks keep their closures); a JSON one comes back
 * with its regex strings compiled.
 */
export function checkProfile(raw: unknown, label: string, options: { json?: boolean; defaultName?: string } = {}): PortalProfile {
  const input = options.defaultName && isObject(raw) && raw.name === undefined ? { ...raw, name: options.defaultName } : raw;
  const result = profileSchema.safeParse(input);
  if (!result.success) {
    const [first, ...rest] = result.error.issues;
    const more = rest.length ? ` (and ${rest.length} more)` : '';
    throw new InputError(`profile ${label}: ${issueText(first!)}${more}`);
  }
  if (options.json) return result.data as unknown as PortalProfile;
  // The module's own object (its hooks may refer to it), or a shallow copy with the defaults it left out.
  const profile = input as PortalProfile;
  if (profile.description !== undefined && profile.blockResources !== undefined) return profile;
  return { ...profile, description: profile.description ?? '', blockResources: profile.blockResources ?? [] };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
