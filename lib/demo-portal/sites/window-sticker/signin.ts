import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sessionToken } from '../../auth.js';
import { SESSION_COOKIE } from '../../constants.js';
import type { PortalContext } from '../../context.js';
import { esc, layout } from '../../html.js';
import { cookie, parseCookies, readForm, redirect, sendHtml } from '../../http.js';
import { BRANDING, PASSWORD_PATH, SIGNIN_COOKIE, SIGNIN_PATH } from './constants.js';
import type { StickerSiteState } from './state.js';

const NOTICES: Record<string, string> = {
  expired: 'Your session has expired. Please sign in again.',
  'session-ended': 'You were signed out because your account signed in from another location.',
  'login-required': 'Please sign in to continue.',
  'signin-expired': 'Your sign-in was not finished in time. Please start again.',
};

function notice(reason: string | null | undefined): string {
  if (!reason) return '';
  return `<p id="signin-notice" class="notice" data-reason="${esc(reason)}">${esc(NOTICES[reason] ?? 'Please sign in again.')}</p>`;
}

/** Step 1: the user name only (the identity provider decides on the next page how you sign in). */
function userPage(options: { reason?: string | null; error?: string }): string {
  const error = options.error ? `<div id="signin-error" class="error">${esc(options.error)}</div>` : '';
  return layout(
    'Sign in',
    `<h1>Sign in</h1>
${notice(options.reason)}${error}
<form id="signin-user-form" method="post" action="${SIGNIN_PATH}" autocomplete="off">
<p><label for="signin-username">User name</label><br><input type="text" id="signin-username" name="username" required></p>
<p><button type="submit" id="signin-next">Next</button></p>
</form>`,
    { branding: BRANDING },
  );
}

/** Step 2: the password, for the user name of step 1. */
function passwordPage(username: string, options: { error?: boolean } = {}): string {
  const error = options.error ? `<div id="signin-error" class="error">Wrong user name or password.</div>` : '';
  return layout(
    'Enter your password',
    `<h1>Enter your password</h1>
${error}
<form id="signin-password-form" method="post" action="${PASSWORD_PATH}" autocomplete="off">
<p>Signing in as <strong id="signin-as">${esc(username)}</strong> (<a href="${SIGNIN_PATH}" id="signin-switch">not you?</a>)</p>
<p><label for="signin-password">Password</label><br><input type="password" id="signin-password" name="password" required></p>
<p><button type="submit" id="signin-submit">Sign in</button></p>
</form>`,
    { branding: BRANDING },
  );
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const clearSignin = cookie(SIGNIN_COOKIE, '', { httpOnly: true, maxAge: 0 });

export function getSignin(_ctx: PortalContext, _req: IncomingMessage, res: ServerResponse, url: URL): void {
  sendHtml(res, 200, userPage({ reason: url.searchParams.get('reason') }));
}

/**
 * Step 1 accepts any user name (saying which exist would let anyone list the accounts) and
 * remembers it for step 2 in a short-lived sign-in.
 */
export function postSignin(state: StickerSiteState) {
  return async (_ctx: PortalContext, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const username = ((await readForm(req)).get('username') ?? '').trim();
    if (!username) {
      sendHtml(res, 200, userPage({ error: 'Enter your user name.' }));
      return;
    }
    const id = state.signins.start(username);
    redirect(res, PASSWORD_PATH, { 'Set-Cookie': cookie(SIGNIN_COOKIE, id, { httpOnly: true }) });
  };
}

/** Step 2 without a started sign-in (a bookmark, an old tab) sends the visitor back to step 1. */
export function getPassword(state: StickerSiteState) {
  return (_ctx: PortalContext, req: IncomingMessage, res: ServerResponse): void => {
    const username = state.signins.username(parseCookies(req.headers.cookie)[SIGNIN_COOKIE]);
    if (!username) {
      redirect(res, `${SIGNIN_PATH}?reason=signin-expired`, { 'Set-Cookie': clearSignin });
      return;
    }
    sendHtml(res, 200, passwordPage(username));
  };
}

/** One active session per user, as on the dealer-values site; this portal has no license to accept. */
export function postPassword(state: StickerSiteState) {
  return async (ctx: PortalContext, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const form = await readForm(req);
    const id = parseCookies(req.headers.cookie)[SIGNIN_COOKIE];
    const username = state.signins.username(id);
    if (!id || !username) {
      redirect(res, `${SIGNIN_PATH}?reason=signin-expired`, { 'Set-Cookie': clearSignin });
      return;
    }
    const password = form.get('password') ?? '';
    if (!sameText(username, ctx.credentials.username) || !sameText(password, ctx.credentials.password)) {
      // The sign-in stays open: the user may try the password again.
      ctx.stats.c.failedLogins += 1;
      sendHtml(res, 200, passwordPage(username, { error: true }));
      return;
    }
    state.signins.finish(id);
    const session = ctx.sessions.create(username);
    // No license page on this portal: the session is ready for every protected route at once.
    session.licenseAccepted = true;
    ctx.stats.c.logins += 1;
    redirect(res, '/inventory', {
      'Set-Cookie': [cookie(SESSION_COOKIE, session.token, { httpOnly: true }), clearSignin],
    });
  };
}

export function getSignout(ctx: PortalContext, req: IncomingMessage, res: ServerResponse): void {
  const token = sessionToken(req);
  if (token && ctx.sessions.peek(token)) ctx.sessions.end(token, 'loggedOut');
  redirect(res, SIGNIN_PATH, { 'Set-Cookie': cookie(SESSION_COOKIE, '', { httpOnly: true, maxAge: 0 }) });
}

export function getHome(ctx: PortalContext, req: IncomingMessage, res: ServerResponse): void {
  redirect(res, ctx.sessions.peek(sessionToken(req)) ? '/inventory' : SIGNIN_PATH);
}
