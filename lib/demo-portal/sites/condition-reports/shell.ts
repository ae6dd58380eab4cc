import { esc, layout } from '../../html.js';
import { BRANDING, SIGNIN_FRAME_PATH } from './constants.js';

const NOTICES: Record<string, string> = {
  expired: 'Your session has expired. Please sign in again.',
  'session-ended': 'You were signed out because your account signed in from another location.',
  'login-required': 'Please sign in to continue.',
};

/** The sign-in page: a shell whose form lives in an iframe (what the API also answers a dead session with). */
export function signinShell(reason?: string | null): string {
  const notice = reason ? `<p class="notice" data-reason="${esc(reason)}">${esc(NOTICES[reason] ?? 'Please sign in again.')}</p>` : '';
  return layout(
    'Sign in',
    `<section id="signin-shell"><h1>Sign in</h1>${notice}
<iframe id="signin-frame" title="Sign in" src="${SIGNIN_FRAME_PATH}" width="420" height="260"></iframe></section>`,
    { branding: BRANDING },
  );
}

