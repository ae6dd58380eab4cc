import type { z } from 'zod';
import { SETTINGS, type SettingName } from './definitions.js';
import type { Runtime, SettingDefinition, SettingSource } from './types.js';

type Definitions = typeof SETTINGS;
/** The registry seen as plain definitions, for code that walks it by name. */
const DEFINITIONS = SETTINGS as unknown as Readonly<Record<SettingName, SettingDefinition>>;
type Output<K extends SettingName> = z.output<Definitions[K]['schema']>;

/** The settings of a runtime: those whose definition has that runtime's spec. */
export type SettingsOf<R extends Runtime> = {
  [K in SettingName as Definitions[K][R] extends undefined ? never : K]: Definitions[K][R] extends { default: unknown }
    ? Output<K>
    : Output<K> | undefined;
};
export type LocalSettings = SettingsOf<'local'>;
export type CloudSettingValues = SettingsOf<'cloud'>;

/** A setting failed its check: `label` is how the source spells it (`--workers`, `MAX_ATTEMPTS`, `maxAttempts`). */
export class SettingError extends Error {
  constructor(
    readonly source: SettingSource,
    readonly label: string,
    readonly problem: string,
  ) {
    super(settingErrorMessage(source, label, problem));
    this.name = 'SettingError';
  }
}

function settingErrorMessage(source: SettingSource, label: string, problem: string): string {
  if (source === 'cli') return `${label} ${problem}`;
  if (source === 'env') return `bad Lambda environment ${label}: ${problem}`;
  return `fleetpdf: bad CDK context value: ${label}: ${problem}`;
}

/** The names of a runtime's settings, in definition order. */
export function settingNames(runtime: Runtime): SettingName[] {
  return (Object.keys(DEFINITIONS) as SettingName[]).filter((name) => DEFINITIONS[name][runtime] !== undefined);
}

/** The environment variable of a setting: `vehicleTimeoutSecs` -> `VEHICLE_TIMEOUT_SECS`. */
export function envName(name: SettingName): string {
  return name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

/** The CLI flag of a local setting without its value name: `--attempts`, `--no-block-resources`. */
export function flagName(name: SettingName): string {
  const spec = DEFINITIONS[name].local;
  if (!spec) throw new Error(`setting ${name} has no CLI flag`);
  return spec.flag.split(/\s+/)[0]!;
}

/** A setting's default for a runtime (undefined: optional there). */
export function defaultOf(name: SettingName, runtime: Runtime): unknown {
  return DEFINITIONS[name][runtime]?.default;
}

/** The defaults of every setting of a runtime. */
export function defaultSettings(runtime: 'local'): LocalSettings;
export function defaultSettings(runtime: 'cloud'): CloudSettingValues;
export function defaultSettings(runtime: Runtime): LocalSettings | CloudSettingValues {
  return resolveSettings(runtime, runtime === 'local' ? 'cli' : 'context', {}) as LocalSettings | CloudSettingValues;
}

/** An absent key, an empty string and JSON null all mean "use the default". */
const unset = (value: unknown): boolean => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/**
 * Check the raw values of a runtime's settings (keyed by setting name) and fill in the
 * defaults. Values are coerced (flags, `-c` and the environment give strings). Unknown
 * keys are ignored: the caller picks them from its source. The first bad value throws a
 * SettingError that names the setting the way `source` spells it.
 */
export function resolveSettings(runtime: 'local', source: SettingSource, raw: Readonly<Record<string, unknown>>): LocalSettings;
export function resolveSettings(runtime: 'cloud', source: SettingSource, raw: Readonly<Record<string, unknown>>): CloudSettingValues;
export function resolveSettings(runtime: Runtime, source: SettingSource, raw: Readonly<Record<string, unknown>>): Record<string, unknown>;
export function resolveSettings(runtime: Runtime, source: SettingSource, raw: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const name of settingNames(runtime)) {
    const definition = DEFINITIONS[name];
    const given = raw[name];
    const value = unset(given) ? defaultOf(name, runtime) : given;
    if (value === undefined) continue;
    const parsed = (definition.schema as z.ZodType).safeParse(value);
    if (!parsed.success) throw new SettingError(source, labelOf(name, source), parsed.error.issues[0]?.message ?? 'is not valid');
    values[name] = parsed.data;
  }
  return values;
}

function labelOf(name: SettingName, source: SettingSource): string {
  if (source === 'cli') return flagName(name).replace(/^--no-/, '--');
  if (source === 'env') return envName(name);
  return name;
}

/** The raw values of a runtime's settings from an environment (`MAX_ATTEMPTS=4` -> `{maxAttempts: '4'}`). */
export function rawFromEnv(env: Readonly<Record<string, string | undefined>>, runtime: Runtime = 'cloud'): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const name of settingNames(runtime)) {
    if (DEFINITIONS[name].cloud?.env && env[envName(name)] !== undefined) raw[name] = env[envName(name)];
  }
  return raw;
}

/** The environment variables that carry a cloud runtime's settings to the Lambdas. */
export function settingsEnvironment(values: Readonly<Record<string, unknown>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of settingNames('cloud')) {
    if (!DEFINITIONS[name].cloud?.env) continue;
    const value = values[name];
    if (value !== undefined) env[envName(name)] = String(value);
  }
  return env;
}

/** The settings a cloud deploy takes as CDK context keys. */
export function contextKeys(): SettingName[] {
  return settingNames('cloud').filter((name) => DEFINITIONS[name].cloud?.context);
}
