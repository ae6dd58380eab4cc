import { Env, type EnvName } from '../cloud/contracts.js';

/**
 * Run settings every function gets as plain environment variables (none of them secret), so
 * the handlers share one configuration shape.
 */
export interface RunSettings {
  /** Base URL of the dealer portal. */
  readonly portalUrl: string;
  /** Portal profile name (lib/profiles). */
  readonly profile: string;
  /** Attempts per vehicle; equals the DLQ's maxReceiveCount. */
  readonly maxAttempts: number;
  /** Budget of one vehicle attempt (login check, navigation, download, verification), in seconds. */
  readonly vehicleTimeoutSecs: number;
  /** Budget of one navigation or download, in seconds. */
  readonly stepTimeoutSecs: number;
  /** Progress polls in a row without a finished vehicle (while work is left) before a run counts as stalled. */
  readonly stallPolls: number;
  /** Seconds between resume probes of a paused run; also how long a parked message stays hidden. */
  readonly pauseSecs: number;
  /** Resume probes that may fail in a row before a paused run gives up. */
  readonly maxPauses: number;
}

/** The `Env` variables of `settings`. */
export function runSettingsEnvironment(settings: RunSettings): Partial<Record<EnvName, string>> {
  return {
    [Env.PORTAL_URL]: settings.portalUrl,
    [Env.PROFILE]: settings.profile,
    [Env.MAX_ATTEMPTS]: String(settings.maxAttempts),
    [Env.VEHICLE_TIMEOUT_SECS]: String(settings.vehicleTimeoutSecs),
    [Env.STEP_TIMEOUT_SECS]: String(settings.stepTimeoutSecs),
    [Env.STALL_POLLS]: String(settings.stallPolls),
    [Env.PAUSE_SECS]: String(settings.pauseSecs),
    [Env.MAX_PAUSES]: String(settings.maxPauses),
  };
}
