import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, parseOptions } from '../../lib/infra/options.js';
import { contextKeys, defaultOf } from '../../lib/settings/index.js';

describe('stack options (CDK context)', () => {
  it('fills in the documented defaults', () => {
    expect(parseOptions({})).toMatchObject({
      stackName: 'FleetPdf',
      portalUrl: 'https://portal.example.com',
      profile: 'dealer-values',
      downloaderConcurrency: 10,
      autoDeleteObjects: false,
      runRetentionDays: 90,
      maxAttempts: 3,
      pauseSecs: 60,
      vehicleTimeoutSecs: 60,
      retryBaseDelayMs: 5000,
    });
    expect(parseOptions({})).toEqual(DEFAULT_OPTIONS);
    // Every context key with a default has it; the optional ones are absent.
    for (const key of contextKeys()) {
      const fallback = defaultOf(key, 'cloud');
      if (fallback === undefined) expect(DEFAULT_OPTIONS).not.toHaveProperty(key);
      else expect(DEFAULT_OPTIONS).toHaveProperty(key, fallback);
    }
  });

  it('coerces the strings `cdk -c key=value` passes', () => {
    expect(
      parseOptions({ downloaderConcurrency: '50', autoDeleteObjects: 'true', runRetentionDays: '7', maxAttempts: '5' }),
    ).toMatchObject({ downloaderConcurrency: 50, autoDeleteObjects: true, runRetentionDays: 7, maxAttempts: 5 });
  });

  it('treats an empty value as unset', () => {
    expect(parseOptions({ credentialsSecretName: '', alarmEmail: '' })).not.toHaveProperty('alarmEmail');
  });

  it.each([1, 1001, 2.5, 'many'])('rejects downloaderConcurrency %s (2..1000)', (value) => {
    expect(() => parseOptions({ downloaderConcurrency: value })).toThrow(/downloaderConcurrency/);
  });

  it.each([0, 901, 'soon'])('rejects pauseSecs %s (1..900: SQS delays a parked message at most 900 s)', (value) => {
    expect(() => parseOptions({ pauseSecs: value })).toThrow(/pauseSecs/);
  });

  it.each(['ftp://portal.example.com', 'portal.example.com', 'not a url'])('rejects portalUrl %s', (value) => {
    expect(() => parseOptions({ portalUrl: value })).toThrow(/portalUrl/);
  });

  it('rejects a malformed alarmEmail', () => {
    expect(() => parseOptions({ alarmEmail: 'ops-at-example' })).toThrow(/alarmEmail/);
  });

  it('rejects autoDeleteObjects that is not a boolean', () => {
    expect(() => parseOptions({ autoDeleteObjects: 'yes' })).toThrow(/autoDeleteObjects/);
  });

  it('rejects maxAttempts 0 or above 20 (what the Lambdas accept) and runRetentionDays 0', () => {
    expect(() => parseOptions({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => parseOptions({ maxAttempts: 21 })).toThrow(/maxAttempts/);
    expect(() => parseOptions({ runRetentionDays: 0 })).toThrow(/runRetentionDays/);
  });

  it('rejects a stack name CloudFormation would refuse', () => {
    expect(() => parseOptions({ stackName: '1-fleet_pdf' })).toThrow(/stackName/);
  });

  it('names the bad key in one line', () => {
    expect(() => parseOptions({ maxAttempts: 'x' })).toThrow(/^fleetpdf: bad CDK context value: maxAttempts: /);
  });
});
