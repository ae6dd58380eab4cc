import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunctionName, ResourceEnv as Env } from '../../lib/contracts/index.js';
import { cloudTimings, defaultSettings, envName, settingsEnvironment } from '../../lib/settings/index.js';
import { BROWSER_NODE_MODULES } from '../../lib/infra/worker-function.js';
import { type Synthesized, referencedIds, removeSynthDirs, resourcesOfType, synthStack } from '../../harness/synth.js';

let s: Synthesized;
beforeAll(() => {
  s = synthStack();
});
afterAll(removeSynthDirs);

type Props = Record<string, any>;
const functionProps = (name: FunctionName): Props => s.json.Resources[s.idOf(s.stack.functions[name].function)]!.Properties!;
const environment = (name: FunctionName): Record<string, unknown> => functionProps(name).Environment.Variables;
const names = Object.values(FunctionName);

/** Every cloud setting that is a Lambda environment variable (lib/settings), with its default. */
const SETTINGS_ENV = settingsEnvironment(defaultSettings('cloud'));
const RESOURCE_ENV: Record<FunctionName, string[]> = {
  Login: [Env.SESSION_TABLE, Env.CREDENTIALS_SECRET, Env.DOWNLOADER_MAPPING_ID],
  Enqueue: [Env.SESSION_TABLE, Env.TRACKING_TABLE, Env.QUEUE_URL, Env.BUCKET, Env.CREDENTIALS_SECRET],
  Downloader: [Env.SESSION_TABLE, Env.TRACKING_TABLE, Env.QUEUE_URL, Env.BUCKET, Env.CREDENTIALS_SECRET],
  Progress: [Env.TRACKING_TABLE, Env.QUEUE_URL, Env.DLQ_URL, Env.SESSION_TABLE, Env.DOWNLOADER_MAPPING_ID],
  Report: [Env.SESSION_TABLE, Env.TRACKING_TABLE, Env.QUEUE_URL, Env.DLQ_URL, Env.BUCKET],
};
const SIZING: Record<FunctionName, { memory: number; timeout: number; browser: boolean }> = {
  Login: { memory: 2048, timeout: 120, browser: true },
  Enqueue: { memory: 2048, timeout: 900, browser: true },
  Downloader: { memory: 2048, timeout: 120, browser: true },
  Progress: { memory: 256, timeout: 30, browser: false },
  Report: { memory: 1024, timeout: 300, browser: false },
};

describe('functions', () => {
  it('are exactly the five contract functions', () => {
    expect(resourcesOfType(s.json, 'AWS::Lambda::Function')).toHaveLength(5);
  });

  it.each(names)('%s runs on Node.js 22', (name) => {
    expect(functionProps(name).Runtime).toBe('nodejs22.x');
  });

  it.each(names)('%s runs on x86_64 (the Chromium binary is x86_64 only)', (name) => {
    expect(functionProps(name).Architectures).toEqual(['x86_64']);
  });

  it.each(names)('%s has active X-Ray tracing', (name) => {
    expect(functionProps(name).TracingConfig).toEqual({ Mode: 'Active' });
  });

  it.each(names)('%s has its memory and timeout', (name) => {
    expect(functionProps(name).MemorySize).toBe(SIZING[name].memory);
    expect(functionProps(name).Timeout).toBe(SIZING[name].timeout);
  });

  it.each(names)('%s gets /tmp room for the unpacked Chromium only if it drives a browser', (name) => {
    expect(s.stack.functions[name].browser).toBe(SIZING[name].browser);
    expect(functionProps(name).EphemeralStorage).toEqual({ Size: SIZING[name].browser ? 1024 : 512 });
  });

  it.each(names)('%s gets @sparticuz/chromium and playwright-core beside its bundle only if it drives a browser', (name) => {
    expect(BROWSER_NODE_MODULES).toEqual(['@sparticuz/chromium', 'playwright-core']);
    const drivesBrowser = name !== 'Progress' && name !== 'Report';
    expect(s.stack.functions[name].nodeModules).toEqual(drivesBrowser ? BROWSER_NODE_MODULES : []);
  });

  it.each(names)('%s runs the handler export of its ESM bundle', (name) => {
    expect(functionProps(name).Handler).toBe('index.handler');
  });

  it.each(names)('%s gets exactly the resource variables it needs', (name) => {
    const env = environment(name);
    const resourceNames = Object.keys(env).filter((key) => (Object.values(Env) as string[]).includes(key));
    expect(resourceNames.sort()).toEqual([...RESOURCE_ENV[name]].sort());
  });

  it.each(names)('%s gets every cloud setting of lib/settings as an environment variable, defaults by default', (name) => {
    expect(environment(name)).toMatchObject(SETTINGS_ENV);
  });

  it.each(names)('%s gets the Powertools service and metrics namespace', (name) => {
    expect(environment(name)).toMatchObject({
      POWERTOOLS_SERVICE_NAME: 'fleetpdf',
      POWERTOOLS_METRICS_NAMESPACE: 'FleetPdf',
    });
  });

  it.each(names)('%s has no credentials in its environment', (name) => {
    const env = environment(name);
    for (const key of Object.keys(env)) expect(key).not.toMatch(/PASS|PASSWORD|USERNAME|PORTAL_USER|TOKEN|COOKIE|API_KEY/i);
    const text = JSON.stringify(env);
    expect(text).not.toContain('CHANGE_ME');
    expect(text).not.toContain('resolve:secretsmanager');
    expect(text).not.toContain('SecretString');
  });

  it('passes the created secret by reference (its ARN), never its value', () => {
    const secretId = s.idOf(s.stack.secrets.credentials);
    for (const name of names) {
      const value = environment(name)[Env.CREDENTIALS_SECRET];
      if (value !== undefined) expect(value, name).toEqual({ Ref: secretId });
    }
  });

  it('passes an existing secret by name when credentialsSecretName is set', () => {
    const other = synthStack({ credentialsSecretName: 'fleetpdf/portal' });
    expect(resourcesOfType(other.json, 'AWS::SecretsManager::Secret')).toEqual([]);
    const login = other.json.Resources[other.idOf(other.stack.functions.Login.function)]!.Properties!;
    expect(login.Environment.Variables[Env.CREDENTIALS_SECRET]).toBe('fleetpdf/portal');
  });

  it('passes the run settings from context', () => {
    const other = synthStack({ portalUrl: 'https://values.example.net', profile: 'sticker-portal', maxAttempts: 4 });
    const env = other.json.Resources[other.idOf(other.stack.functions.Downloader.function)]!.Properties!.Environment
      .Variables as Record<string, unknown>;
    expect(env).toMatchObject({ PORTAL_URL: 'https://values.example.net', PROFILE: 'sticker-portal', MAX_ATTEMPTS: '4' });
  });

  it('passes the pause of the circuit breaker from context to the functions and the Cooldown state', () => {
    const other = synthStack({ pauseSecs: 120 });
    const env = other.json.Resources[other.idOf(other.stack.functions.Downloader.function)]!.Properties!.Environment
      .Variables as Record<string, unknown>;
    expect(env[envName('pauseSecs')]).toBe('120');
    expect(environment('Downloader')[envName('pauseSecs')]).toBe('60');
  });

  it('points Login and Progress at the downloader event source mapping they pause and resume', () => {
    const [mappingId] = Object.entries(s.json.Resources).find(([, r]) => r.Type === 'AWS::Lambda::EventSourceMapping')!;
    for (const name of ['Login', 'Progress'] as const) {
      expect(referencedIds(environment(name)[Env.DOWNLOADER_MAPPING_ID]), name).toEqual(new Set([mappingId]));
    }
  });

  it('gives each vehicle attempt less time than the downloader invocation', () => {
    const env = environment('Downloader');
    expect(Number(env[envName('vehicleTimeoutSecs')])).toBeLessThan(functionProps('Downloader').Timeout);
  });

  it('declares a run stalled only after the queue visibility timeout could have returned a message', () => {
    // Progress derives the stall from the same settings the stack sized the queue with.
    const env = environment('Progress');
    const timings = cloudTimings({ vehicleTimeoutSecs: Number(env[envName('vehicleTimeoutSecs')]), pollIntervalSecs: Number(env[envName('pollIntervalSecs')]) });
    const visibility = s.json.Resources[s.idOf(s.stack.queue.queue)]!.Properties!.VisibilityTimeout as number;
    expect(timings.visibilityTimeoutSecs).toBe(visibility);
    expect(timings.stallPolls * Number(env[envName('pollIntervalSecs')])).toBeGreaterThan(visibility);
  });

  it.each(names)('%s logs to its own log group with a retention', (name) => {
    const logGroup = functionProps(name).LoggingConfig.LogGroup as { Ref: string };
    expect(logGroup).toEqual({ Ref: s.idOf(s.stack.functions[name].logGroup) });
    expect(s.json.Resources[logGroup.Ref]?.Properties?.RetentionInDays).toBe(30);
  });

  it.each(names)('%s has its own role without managed policies', (name) => {
    const roleId = s.idOf(s.stack.functions[name].role);
    expect(referencedIds(functionProps(name).Role)).toEqual(new Set([roleId]));
    expect(s.json.Resources[roleId]?.Properties?.ManagedPolicyArns).toBeUndefined();
  });

  it('reserves concurrency 1 for Login (one portal session per user)', () => {
    expect(functionProps('Login').ReservedConcurrentExecutions).toBe(1);
  });

  it('reserves no concurrency for the downloader (the event source caps it)', () => {
    expect(functionProps('Downloader').ReservedConcurrentExecutions).toBeUndefined();
  });
});
