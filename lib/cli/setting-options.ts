import { Option, type Command } from 'commander';
import { InputError } from '../core/errors.js';
import {
  defaultOf,
  resolveSettings,
  SETTINGS,
  SettingError,
  settingNames,
  type CliCommand,
  type LocalSettings,
  type SettingDefinition,
  type SettingName,
} from '../settings/index.js';

const DEFINITIONS = SETTINGS as unknown as Readonly<Record<SettingName, SettingDefinition>>;

/** The local settings that are flags of `command`, in definition order. */
export function settingsOf(command: CliCommand): SettingName[] {
  return settingNames('local').filter((name) => (DEFINITIONS[name].local?.commands ?? ['run']).includes(command));
}

/** The commander option of a local setting: its flag, its doc, its default (shown in --help). */
export function settingOption(name: SettingName): Option {
  const spec = DEFINITIONS[name].local!;
  const option = new Option(spec.flag, DEFINITIONS[name].doc);
  const fallback = defaultOf(name, 'local');
  // A negated flag (--no-x) has its default (true) from commander itself.
  if (fallback !== undefined && !spec.flag.startsWith('--no-')) option.default(fallback);
  return option;
}

/** Add the flags of every local setting of `command`. */
export function addSettingOptions(cli: Command, command: CliCommand): Command {
  for (const name of settingsOf(command)) cli.addOption(settingOption(name));
  return cli;
}

/**
 * The settings of a `fleetpdf` command from its parsed flags, checked and defaulted. A bad
 * value is one InputError line naming the flag: `--workers must be at least 1`.
 */
export function settingsFromOptions(opts: Readonly<Record<string, unknown>>, command: CliCommand = 'run'): LocalSettings {
  const raw: Record<string, unknown> = {};
  for (const name of settingsOf(command)) {
    const attribute = settingOption(name).attributeName();
    if (opts[attribute] !== undefined) raw[name] = opts[attribute];
  }
  try {
    return resolveSettings('local', 'cli', raw);
  } catch (error) {
    if (error instanceof SettingError) throw new InputError(error.message);
    throw error;
  }
}
