import { InputError } from '../core/errors.js';
import type { PortalProfile } from '../core/portal/profile.js';
import { dealerValues } from './dealer-values.js';
import { windowSticker } from './window-sticker.js';
import { conditionReports } from './condition-reports.js';

/** Every shipped profile, by the name `--profile` takes. */
export const profiles: Readonly<Record<string, PortalProfile>> = {
  [dealerValues.name]: dealerValues,
  [windowSticker.name]: windowSticker,
  [conditionReports.name]: conditionReports,
};

export const DEFAULT_PROFILE = dealerValues.name;

/** A shipped profile by name; user files go through loadProfile (./load.ts). */
export function getProfile(name: string): PortalProfile {
  const profile = profiles[name];
  if (!profile) {
    throw new InputError(
      `unknown profile "${name}" (shipped: ${Object.keys(profiles).join(', ')}); for your own portal pass a profile ` +
        'file, --profile ./my-portal.ts (fleetpdf profile init my-portal writes a starter)',
    );
  }
  return profile;
}

export { conditionReports, dealerValues, windowSticker };
