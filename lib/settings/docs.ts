import { SETTINGS, type SettingName } from './definitions.js';
import { envName, settingNames } from './resolve.js';
import type { SettingDefinition } from './types.js';

const DEFINITIONS = SETTINGS as unknown as Readonly<Record<SettingName, SettingDefinition>>;

const cell = (text: string) => text.replaceAll('|', '\\|');
const code = (value: unknown) => `\`${String(value)}\``;

/** The `fleetpdf run` flags, one row each: the README's option table. */
export function runOptionsTable(): string {
  const rows = settingNames('local')
    .filter((name) => (DEFINITIONS[name].local?.commands ?? ['run']).includes('run'))
    .map((name) => {
      const spec = DEFINITIONS[name].local!;
      const negated = spec.flag.startsWith('--no-');
      const fallback = negated ? 'on' : spec.default === undefined ? '-' : spec.default === false ? 'off' : code(spec.default);
      return `| ${cell(code(spec.flag))} | ${cell(fallback)} | ${cell(DEFINITIONS[name].doc)} |`;
    });
  return ['| option | default | what it does |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The CDK context keys (`cdk deploy -c key=value`) and the Lambda environment variable each becomes. */
export function contextTable(): string {
  const rows = settingNames('cloud')
    .filter((name) => DEFINITIONS[name].cloud?.context)
    .map((name) => {
      const spec = DEFINITIONS[name].cloud!;
      const fallback = spec.default === undefined ? '-' : code(spec.default);
      const env = spec.env ? code(envName(name)) : '-';
      return `| ${code(name)} | ${cell(fallback)} | ${env} | ${cell(DEFINITIONS[name].doc)} |`;
    });
  return ['| context key | default | Lambda env | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The generated blocks of a document, by marker: `<!-- settings:NAME -->` ... `<!-- /settings:NAME -->`. */
export const SETTINGS_TABLES: Readonly<Record<string, () => string>> = {
  run: runOptionsTable,
  context: contextTable,
};

/** `text` with every settings block replaced by its generated table (unknown markers are left alone). */
export function withSettingsTables(text: string): string {
  return text.replace(/(<!-- settings:([a-z-]+) -->\n)[\s\S]*?(<!-- \/settings:\2 -->)/g, (all, open: string, name: string, close: string) => {
    const table = SETTINGS_TABLES[name];
    return table ? `${open}${table()}\n${close}` : all;
  });
}
