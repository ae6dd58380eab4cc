export { FETCH_MODES, SETTINGS } from './definitions.js';
export type { SettingName } from './definitions.js';
export { cloudTimings, DOWNLOADER_TIMEOUT_MARGIN_SECS } from './derived.js';
export { contextTable, runOptionsTable, SETTINGS_TABLES, withSettingsTables } from './docs.js';
export type { CloudTimings } from './derived.js';
export {
  contextKeys,
  defaultOf,
  defaultSettings,
  envName,
  flagName,
  rawFromEnv,
  resolveSettings,
  SettingError,
  settingNames,
  settingsEnvironment,
} from './resolve.js';
export type { CloudSettingValues, LocalSettings, SettingsOf } from './resolve.js';
export type { CliCommand, CloudSpec, LocalSpec, Runtime, SettingDefinition, SettingSource } from './types.js';
