import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { verify } from 'otplib';
import { SESSION_COOKIE } from '../../constants.js';
import type { PortalContext } from '../../context.js';
import { esc, layout } from '../../html.js';
import { cookie, readForm, redirect, sendHtml } from '../../http.js';
import { BRANDING, HOME_PATH, LIST_PATH, SIGNIN_CODE_PATH, SIGNIN_FRAME_PATH, TERMS_PATH } from './constants.js';
import { siteSession } from './session.js';
import { signinShell } from './shell.js';
import { fieldName, newId, type ConditionSiteState, type PendingSignin } from './state.js';

/** A page inside the sign-in iframe (no site layout: an identity provider's own little page). */
function framePage(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head><body>${body}</body></html>\n`;
}

const errorLine = (message?: string): string => (message ? `<p class="signin-error" role="alert">${esc(message)}</p>` : '');

/** Step 1: user name and password, in inputs without labels whose names and ids change on every load. */
function credentialsForm(state: ConditionSiteState, error?: string): string {
  const flow = newId();
  const signin: PendingSignin = { userField: fieldName(), passwordField: fieldName() };
  state.signins.set(flow, signin);
  return framePage(`${errorLine(error)}<form method="post" action="${SIGNIN_FRAME_PATH}" autocomplete="off">
<input type="hidden" name="flow" value="${flow}">
<div><input type="text" id="${signin.userField}" name="${signin.userField}" placeholder="User name"></div>
<div><input type="password" id="${signin.passwordField}" name="${signin.passwordField}" placeholder="Password"></div>
<div><button type="submit">Continue</button></div>
</form>`);
}

/** Step 2: the one-time code from the user's authenticator app. */
function codeForm(flow: string, signin: PendingSignin, error?: string): string {
  signin.codeField = fieldName();
  return framePage(`${errorLine(error)}<p>Enter the 6-digit code from your authenticator app.</p>
<form method="post" action="${SIGNIN_CODE_PATH}" autocomplete="off">
<input type="hidden" name="flow" value="${flow}">
<div><input type="text" id="${signin.codeField}" name="${signin.codeField}" inputmode="numeric" autocomplete="one-time-code" placeholder="Code"></div>
<div><button type="submit">Verify</button></div>
</form>`);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function getSignin(_ctx: PortalContext, _req: IncomingMessage, res: ServerResponse, url: URL): void {
  sendHtml(res, 200, signinShell(url.searchParams.get('reason')));
}

export function getSigninFrame(state: ConditionSiteState) {
  return (_ctx: PortalContext, _req: IncomingMessage, res: ServerResponse): void => sendHtml(res, 200, credentialsForm(state));
}

/** The session starts: the frame sends the whole window on to the terms. */
function finishSignin(ctx: PortalContext, res: ServerResponse, username: string): void {
  const session = ctx.sessions.create(username);
  ctx.stats.c.logins += 1;
  sendHtml(res, 200, framePage(`<p id="signed-in">Signed in.</p><script>window.top.location.href = ${JSON.stringify(TERMS_PATH)};</script>`), {
    'Set-Cookie': cookie(SESSION_COOKIE, session.token, { httpOnly: true }),
  });
}

export function postSigninFrame(state: ConditionSiteState) {
  return async (ctx: PortalContext, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const form = await readForm(req);
    const flow = form.get('flow') ?? '';
    const signin = state.signins.get(flow);
    if (!signin) {
      sendHtml(res, 200, credentialsForm(state, 'Your sign-in timed out. Please try again.'));
      return;
    }
    const username = (form.get(signin.userField) ?? '').trim();
    const password = form.get(signin.passwordField) ?? '';
    if (!sameText(username, ctx.credentials.username) || !sameText(password, ctx.credentials.password)) {
      ctx.stats.c.failedLogins += 1;
      state.signins.delete(flow);
      sendHtml(res, 200, credentialsForm(state, 'Wrong user name or password.'));
      return;
    }
    if (!ctx.credentials.totpSecret) {
      state.signins.delete(flow);
      finishSignin(ctx, res, username);
      return;
    }
    signin.username = username;
    sendHtml(res, 200, codeForm(flow, signin));
  };
}

/** The code must be the current one (one 30 s step either side, for clock drift). */
export function postSigninCode(state: ConditionSiteState) {
  return async (ctx: PortalContext, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const form = await readForm(req);
    const flow = form.get('flow') ?? '';
    const signin = state.signins.get(flow);
    const secret = ctx.credentials.totpSecret;
    if (!signin?.username || !signin.codeField || !secret) {
      sendHtml(res, 200, credentialsForm(state, 'Your sign-in timed out. Please try again.'));
      return;
    }
    const code = (form.get(signin.codeField) ?? '').trim();
    const valid = /^\d{6}$/.test(code) && (await verify({ secret, token: code, epochTolerance: 30 })).valid;
    if (!valid) {
      ctx.stats.c.failedLogins += 1;
      sendHtml(res, 200, codeForm(flow, signin, 'That code is not right.'));
      return;
    }
    state.signins.delete(flow);
    finishSignin(ctx, res, signin.username);
  };
}

/** The terms: Agree stays disabled until the box is ticked (the page's script enables it). */
export function getTerms(ctx: PortalContext, req: IncomingMessage, res: ServerResponse): void {
  const session = siteSession(ctx, req, res, 'terms');
  if (!session) return;
  sendHtml(
    res,
    200,
    layout(
      'Terms of use',
      `<h1>Terms of use</h1>
<p id="terms-text">Condition reports are for the dealer's own use and may not be passed on.</p>
<form method="post" action="${TERMS_PATH}" id="terms-form">
<p><label><input type="checkbox" name="read" value="on" id="terms-read"> I have read the terms of use</label></p>
<p><button type="submit" id="terms-agree" disabled>Agree</button></p>
</form>
<script>document.getElementById('terms-read').addEventListener('change', (e) => { document.getElementById('terms-agree').disabled = !e.target.checked; });</script>`,
      { branding: BRANDING },
    ),
  );
}

export async function postTerms(ctx: PortalContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const session = siteSession(ctx, req, res, 'terms');
  if (!session) return;
  const form = await readForm(req);
  if (form.get('read') !== 'on') {
    redirect(res, TERMS_PATH);
    return;
  }
  session.licenseAccepted = true;
  ctx.stats.c.licenseAccepts += 1;
  redirect(res, HOME_PATH);
}

export function getHome(ctx: PortalContext, req: IncomingMessage, res: ServerResponse): void {
  const session = siteSession(ctx, req, res, 'page');
  if (!session) return;
  sendHtml(res, 200, layout('Home', `<h1 id="home">Condition reports</h1><p><a href="${LIST_PATH}" id="nav-reports">Vehicles</a></p>`, { branding: BRANDING }));
}
