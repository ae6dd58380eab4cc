/**
 * What a user's own profile file imports: `import { defineProfile, twoStepLogin } from 'fleetpdf'`.
 * `--profile ./acme.ts` and `cdk deploy -c profile=./acme.ts` resolve the bare name `fleetpdf`
 * to this module wherever the file lives (lib/profiles/module-loader.ts, lib/infra), so a
 * profile outside the project needs no install and shares the project's classes and hooks.
 */
import type { PortalProfile } from '../core/portal/profile.js';

/** Identity at run time; in an editor it type-checks the profile and completes its fields. */
export function defineProfile<const P extends PortalProfile>(profile: P): P {
  return profile;
}

export * from './hooks/index.js';
export type { BlockableResource, ClickMode, FetchMode, PortalProfile, StepContext } from '../core/portal/profile.js';
export { portalUrl, vehiclePath } from '../core/portal/profile.js';
export type { Credentials, Vehicle } from '../core/types.js';
export {
  DocumentRejectedError,
  LoginRejectedError,
  SessionExpiredError,
  ThrottledError,
  TransientError,
} from '../core/errors.js';
export { isValidVin } from '../core/portal/vin.js';
