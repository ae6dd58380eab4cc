import { InputError } from '../../core/errors.js';
import type { DemoSite } from '../types.js';
import { dealerValuesSite } from './dealer-values.js';
import type { SiteDefinition } from './types.js';
import { windowStickerSite } from './window-sticker/index.js';
import { conditionReportsSite } from './condition-reports/index.js';

const SITES: Readonly<Record<DemoSite, SiteDefinition>> = {
  'dealer-values': dealerValuesSite,
  'window-sticker': windowStickerSite,
  'condition-reports': conditionReportsSite,
};

/** Every bundled site, by the name `--site` takes (the name of the profile that drives it). */
export const DEMO_SITES: readonly DemoSite[] = Object.keys(SITES) as DemoSite[];

const isDemoSite = (name: string): name is DemoSite => Object.hasOwn(SITES, name);

export function getDemoSite(name: string): SiteDefinition {
  if (!isDemoSite(name)) throw new InputError(`unknown demo site "${name}" (known: ${DEMO_SITES.join(', ')})`);
  return SITES[name];
}

/**
 * The bundled site a profile runs against when no `--portal` is given: sites are named after
 * their profiles. A profile without one needs a real portal.
 */
export function demoSiteForProfile(profileName: string): DemoSite {
  if (!isDemoSite(profileName)) {
    throw new InputError(`the bundled demo portal has no site for profile "${profileName}": pass --portal URL`);
  }
  return profileName;
}

export type { SiteDefinition } from './types.js';
