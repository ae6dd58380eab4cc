import type { CloudSettingValues, LocalSettings } from '../../settings/index.js';
import type { AttemptPolicy } from './types.js';

type PolicySettings = Pick<
  LocalSettings & CloudSettingValues,
  'maxAttempts' | 'retryBaseDelayMs' | 'retryMaxDelayMs' | 'freeThrottles' | 'maxRetryAfterSecs' | 'freeRelogins' | 'reloginStaggerMs'
>;

/** The attempt engine's rules from a runtime's settings. */
export function attemptPolicy(settings: PolicySettings): AttemptPolicy {
  return {
    maxAttempts: settings.maxAttempts,
    retryBaseDelayMs: settings.retryBaseDelayMs,
    retryMaxDelayMs: settings.retryMaxDelayMs,
    freeThrottles: settings.freeThrottles,
    maxRetryAfterMs: settings.maxRetryAfterSecs * 1000,
    freeRelogins: settings.freeRelogins,
    reloginStaggerMs: settings.reloginStaggerMs,
  };
}
