import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import type { PortalProfile } from '../core/portal/profile.js';
import { getProfile } from './index.js';
import { checkProfile } from './schema.js';
import { isProfileFile } from './spec.js';

/** Where a profile came from when it is a user's file: recorded with the run. */
export interface ProfileSource {
  /** Absolute path of the file (on the machine that loaded or bundled it). */
  file: string;
  /** sha256 of the file's bytes, hex. */
  sha256: string;
}

export interface LoadedProfile {
  profile: PortalProfile;
  /** Absent for a shipped profile. */
  source?: ProfileSource;
}

/** A profile file's exports (a module's namespace or a JSON value), as a bundle carries it. */
export interface BundledProfile {
  /** What the file exports: a module namespace, or a JSON profile's parsed value. */
  exports: unknown;
  json: boolean;
  source: ProfileSource;
}

export { isProfileFile };

/** Profiles baked into a Lambda bundle, by the `profile` value given at deploy time, and files loaded here, by absolute path. */
const loaded = new Map<string, LoadedProfile>();

/**
 * Called by the entry CDK generates for a Lambda built with `-c profile=./acme.ts`
 * (lib/infra/profile-entry.ts): the bundle carries the file, and the `profile` setting keeps
 * naming it by the value given at deploy time.
 */
export function registerBundledProfile(spec: string, bundled: BundledProfile): void {
  loaded.set(spec, {
    profile: fromExports(bundled.exports, spec, bundled.json, bundled.source.file),
    source: bundled.source,
  });
}

/**
 * The profile `spec` names, synchronously: a shipped one, or a file already loaded with
 * `loadProfile` or baked into this bundle. The CLI and tests load files with `loadProfile`
 * first; a Lambda gets its file bundled (`cdk deploy -c profile=./acme.ts`).
 */
export function resolveProfile(spec: string, cwd = process.cwd()): LoadedProfile {
  const done = loaded.get(spec) ?? (isProfileFile(spec) ? loaded.get(resolve(cwd, spec)) : undefined);
  if (done) return done;
  if (isProfileFile(spec)) {
    throw new InputError(`profile file ${spec} was not loaded here: a Lambda gets it bundled with cdk deploy -c profile=${spec}`);
  }
  return { profile: shippedProfile(spec) };
}

/**
 * `--profile` to a profile: a shipped name (`dealer-values`), or a user's file, loaded and
 * checked against the profile schema: `./acme.ts` / `.js` (its default export) or `./acme.json`
 * (declarative: selectors and paths, regexes as strings). Relative paths are relative to `cwd`.
 */
export async function loadProfile(spec: string, cwd = process.cwd()): Promise<LoadedProfile> {
  const bundled = loaded.get(spec);
  if (bundled) return bundled;
  if (!isProfileFile(spec)) return { profile: shippedProfile(spec) };
  const file = resolve(cwd, spec);
  // Files by absolute path: the same `./acme.ts` from another folder is another file.
  const done = loaded.get(file);
  if (done) return done;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new InputError(`profile ${spec}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const source: ProfileSource = { file, sha256: createHash('sha256').update(bytes).digest('hex') };
  const json = extname(file) === '.json';
  const exports = json ? parseJson(bytes, spec) : await importModule(file, spec);
  const result: LoadedProfile = { profile: fromExports(exports, spec, json, file), source };
  loaded.set(file, result);
  return result;
}

const shippedProfile = (name: string): PortalProfile => getProfile(name);

function fromExports(exports: unknown, spec: string, json: boolean, file: string): PortalProfile {
  const defaultName = basename(file, extname(file));
  if (json) return checkProfile(exports, spec, { json: true, defaultName });
  const namespace = exports as Record<string, unknown>;
  // CommonJS `module.exports = profile` arrives as the namespace's default too.
  const value = namespace.default ?? namespace.profile;
  if (value === undefined) throw new InputError(`profile ${spec}: no default export (end the file with export default defineProfile({ ... }))`);
  return checkProfile(value, spec, { defaultName });
}

function parseJson(bytes: Buffer, spec: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new InputError(`profile ${spec}: not valid JSON (${(error as Error).message})`);
  }
}

async function importModule(file: string, spec: string): Promise<unknown> {
  // Loaded on use: esbuild is only needed for a profile file.
  const { importProfileModule } = await import('./module-loader.js');
  try {
    return await importProfileModule(file);
  } catch (error) {
    const errors = (error as { errors?: { text: string; location?: { line: number; column: number } | null }[] }).errors;
    const first = errors?.[0];
    if (first) {
      const at = first.location ? ` (line ${first.location.line}:${first.location.column})` : '';
      throw new InputError(`profile ${spec}: ${first.text}${at}`);
    }
    throw new InputError(`profile ${spec}: the module failed to load: ${(error as Error).message.split('\n')[0]}`);
  }
}
