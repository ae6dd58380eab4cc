import { describe, expect, it } from 'vitest';
import {
  cloudTimings,
  contextKeys,
  defaultSettings,
  envName,
  flagName,
  rawFromEnv,
  resolveSettings,
  SETTINGS,
  SettingError,
  settingNames,
  settingsEnvironment,
  type SettingDefinition,
  type SettingName,
} from '../../lib/settings/index.js';

const definitions = SETTINGS as unknown as Record<SettingName, SettingDefinition>;

describe('the settings schema', () => {
  it('gives every setting a one-line doc and at least one runtime; a unit in the name of every duration and size', () => {
    for (const [name, definition] of Object.entries(definitions)) {
      expect(definition.doc, name).toMatch(/^[^\n]{10,}$/);
      expect(definition.local ?? definition.cloud, name).toBeDefined();
      if (/timeout|delay|latency(?!factor)|pause(?!s$)|cooldown|watchdog|interval|retention|bucket/i.test(name)) {
        expect(name, 'a time setting says its unit').toMatch(/(Ms|Secs|Days)$/);
      }
      if (/MaxStream|MaxDocument/.test(name)) expect(name).toMatch(/Mb$/);
    }
  });

  it('gives every local setting a distinct flag and every cloud env setting a distinct variable', () => {
    const flags = settingNames('local').map(flagName);
    expect(new Set(flags).size).toBe(flags.length);
    const env = settingNames('cloud').filter((n) => definitions[n].cloud?.env).map(envName);
    expect(new Set(env).size).toBe(env.length);
    expect(envName('vehicleTimeoutSecs')).toBe('VEHICLE_TIMEOUT_SECS');
  });

  it('checks every default against its own schema', () => {
    expect(() => defaultSettings('local')).not.toThrow();
    expect(() => defaultSettings('cloud')).not.toThrow();
    expect(defaultSettings('local')).toMatchObject({ maxAttempts: 3, vehicleTimeoutSecs: 60, retryBaseDelayMs: 1000, pauseSecs: 15, workers: 8 });
    expect(defaultSettings('cloud')).toMatchObject({ maxAttempts: 3, vehicleTimeoutSecs: 60, retryBaseDelayMs: 5000, pauseSecs: 60 });
  });

  it.each([
    ['cli', { workers: 'abc' }, '--workers must be a number'],
    ['cli', { workers: '1.5' }, '--workers must be a whole number'],
    ['cli', { workers: '0' }, '--workers must be at least 1'],
    ['cli', { workers: '65' }, '--workers must be at most 64'],
    ['cli', { fetchMode: 'sometimes' }, '--fetch must be auto, browser or direct'],
    ['cli', { portalUrl: 'https://me:pw@portal.example.com' }, '--portal must not contain a user name or password'],
    ['cli', { blockResources: 'maybe' }, '--block-resources must be true or false'],
  ] as const)('names the bad flag the way the user typed it: %s %j', (source, raw, message) => {
    expect(() => resolveSettings('local', source, raw)).toThrow(message);
  });

  it('names a bad environment variable and a bad context key the way their sources spell them', () => {
    expect(() => resolveSettings('cloud', 'env', rawFromEnv({ MAX_ATTEMPTS: '0' }))).toThrow('bad Lambda environment MAX_ATTEMPTS: must be at least 1');
    expect(() => resolveSettings('cloud', 'context', { maxAttempts: 'x' })).toThrow(/^fleetpdf: bad CDK context value: maxAttempts: must be a number$/);
    const error = (() => {
      try {
        resolveSettings('cloud', 'context', { alarmEmail: 'ops' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SettingError);
    expect(error).toMatchObject({ source: 'context', label: 'alarmEmail' });
  });

  it('treats empty values as unset and coerces the strings flags, -c and the environment give', () => {
    expect(resolveSettings('cloud', 'context', { downloaderConcurrency: '50', autoDeleteObjects: 'true', alarmEmail: '' })).toMatchObject({
      downloaderConcurrency: 50,
      autoDeleteObjects: true,
    });
    expect(resolveSettings('cloud', 'context', { alarmEmail: '' })).not.toHaveProperty('alarmEmail');
  });

  it('round-trips the cloud settings through the Lambda environment', () => {
    const chosen = resolveSettings('cloud', 'context', { maxAttempts: 5, pauseSecs: 120, breakerErrorRatio: 0.8, profile: 'window-sticker' });
    const env = settingsEnvironment(chosen);
    const back = resolveSettings('cloud', 'env', rawFromEnv(env));
    for (const name of settingNames('cloud').filter((n) => definitions[n].cloud?.env)) expect(back[name as never], name).toEqual(chosen[name as never]);
    // Context-only settings (the stack's own) never reach a function.
    for (const name of contextKeys().filter((n) => !definitions[n].cloud?.env)) expect(env).not.toHaveProperty(envName(name));
  });

  it('derives the downloader timeout, the visibility timeout and the stall from the vehicle budget and the poll interval', () => {
    expect(cloudTimings({ vehicleTimeoutSecs: 60, pollIntervalSecs: 30 })).toEqual({ downloaderTimeoutSecs: 120, visibilityTimeoutSecs: 720, stallPolls: 30 });
    const t = cloudTimings({ vehicleTimeoutSecs: 840, pollIntervalSecs: 5 });
    expect(t.downloaderTimeoutSecs).toBeLessThanOrEqual(900); // Lambda's limit
    expect(t.stallPolls * 5).toBeGreaterThan(t.visibilityTimeoutSecs);
  });
});
