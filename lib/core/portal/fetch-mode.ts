import { InputError } from '../errors.js';
import type { FetchMode, PortalProfile } from './profile.js';

/**
 * The fetch path of a run: the run's choice (`--fetch`) narrowed by what the profile allows.
 * `auto` on a profile without a direct URL, or on a browser-only one, is the browser path;
 * asking for `direct` where the profile cannot do it is bad input (one line, exit 2).
 */
export function resolveFetchMode(profile: PortalProfile, requested: FetchMode = 'auto'): FetchMode {
  const { fetch: allowed = 'auto' } = profile.document;
  // A direct document hook is a direct path too.
  const directPath = profile.document.directPath ?? (profile.document.direct ? 'hook' : undefined);
  if (!directPath && allowed === 'direct') {
    throw new InputError(`profile ${profile.name} sets document.fetch to "direct" but has no document.directPath or document.direct`);
  }
  if (requested === 'browser') return 'browser';
  if (!directPath || allowed === 'browser') {
    if (requested === 'direct') {
      throw new InputError(
        `profile ${profile.name} ${directPath ? 'downloads through the browser only' : 'has no direct document URL'}: ` +
          'use --fetch auto or --fetch browser',
      );
    }
    return 'browser';
  }
  return requested === 'direct' ? 'direct' : allowed;
}
