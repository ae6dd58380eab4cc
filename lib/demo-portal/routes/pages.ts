import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requireSession, sessionToken } from '../auth.js';
import { CSRF_COOKIE, NO_FILTER, PAGE_SIZE, SESSION_COOKIE, STATUSES, STATUS_ALL, STICKY_DEFAULT_FILTER } from '../constants.js';
import type { PortalContext } from '../context.js';
import { errorPage, esc, layout } from '../html.js';
import { cookie, parseCookies, readForm, redirect, sendHtml } from '../http.js';
import { MAKE_NAMES, applyFilter, type InventoryFilter } from '../inventory.js';
import type { Session } from '../sessions.js';
import type { DemoVehicle } from '../types.js';

const NOTICES: Record<string, string> = {
  expired: 'Your session has expired. Please sign in again.',
  'session-ended': 'You were signed out because your account signed in from another location.',
  'login-required': 'Please sign in to continue.',
};

const CSRF_SHAPE = /^[A-Za-z0-9_-]{16,64}$/;

/** Keep the visitor's CSRF token if it has one, so two open login tabs do not break each other. */
function csrfToken(req: IncomingMessage): string {
  const existing = parseCookies(req.headers.cookie)[CSRF_COOKIE];
  return existing && CSRF_SHAPE.test(existing) ? existing : randomBytes(18).toString('base64url');
}

function loginPage(csrf: string, options: { reason?: string | null; error?: boolean; username?: string }): string {
  const notice = options.reason
    ? `<p id="session-notice" class="notice" data-reason="${esc(options.reason)}">${esc(NOTICES[options.reason] ?? 'Please sign in again.')}</p>`
    : '';
  const error = options.error ? `<div id="login-error" class="error">Invalid username or password.</div>` : '';
  return layout(
    'Sign in',
    `<h1>Sign in</h1>
${notice}${error}
<form id="login-form" method="post" action="/login" autocomplete="off">
<input type="hidden" name="csrf" value="${esc(csrf)}">
<p><label for="username">Username</label><br><input type="text" id="username" name="username" value="${esc(options.username ?? '')}" required></p>
<p><label for="password">Password</label><br><input type="password" id="password" name="password" required></p>
<p><button type="submit" id="login-submit">Sign in</button></p>
</form>`,
  );
}

export function getLogin(_ctx: PortalContext, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const csrf = csrfToken(req);
  sendHtml(res, 200, loginPage(csrf, { reason: url.searchParams.get('reason') }), {
    'Set-Cookie': cookie(CSRF_COOKIE, csrf, { httpOnly: true }),
  });
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function postLogin(ctx: PortalContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = await readForm(req);
  const posted = form.get('csrf') ?? '';
  const expected = parseCookies(req.headers.cookie)[CSRF_COOKIE] ?? '';
  if (!posted || !expected || !sameToken(posted, expected)) {
    sendHtml(res, 403, errorPage(403, 'Forbidden', 'Invalid CSRF token. Reload the sign-in page and try again.'));
    return;
  }
  const username = form.get('username') ?? '';
  const password = form.get('password') ?? '';
  const { credentials } = ctx;
  if (!sameToken(username, credentials.username) || !sameToken(password, credentials.password)) {
    ctx.stats.c.failedLogins += 1;
    sendHtml(res, 200, loginPage(expected, { error: true, username }));
    return;
  }
  const session = ctx.sessions.create(username);
  ctx.stats.c.logins += 1;
  redirect(res, '/license', { 'Set-Cookie': cookie(SESSION_COOKIE, session.token, { httpOnly: true }) });
}

export function getLogout(ctx: PortalContext, req: IncomingMessage, res: ServerResponse): void {
  const token = sessionToken(req);
  if (token && ctx.sessions.peek(token)) ctx.sessions.end(token, 'loggedOut');
  redirect(res, '/login', { 'Set-Cookie': cookie(SESSION_COOKIE, '', { httpOnly: true, maxAge: 0 }) });
}

const LICENSE_TEXT = `<p>DEMO DEALER VALUES - SUBSCRIBER LICENSE AGREEMENT</p>
<p>1. The valuation data made available through this portal is licensed, not sold, to the subscribing dealership for its internal use.</p>
<p>2. Reports may be downloaded for vehicles in the subscriber's own inventory. Redistribution, resale or publication of valuation data is prohibited.</p>
<p>3. Access credentials are personal. One active session is allowed per user; signing in elsewhere ends the previous session.</p>
<p>4. Values are estimates for demonstration purposes only and carry no warranty of any kind.</p>`;

export function getLicense(ctx: PortalContext, req: IncomingMessage, res: ServerResponse): void {
  const session = requireSession(ctx, req, res, { protectedRoute: false });
  if (!session) return;
  const accepted = session.licenseAccepted ? '<p class="notice" id="license-accepted">You have already accepted this agreement.</p>' : '';
  sendHtml(
    res,
    200,
    layout(
      'License agreement',
      `<h1>License agreement</h1>${accepted}
<div id="license-text">${LICENSE_TEXT}</div>
<form id="license-form" method="post" action="/license"><p><button type="submit" id="accept-license">I accept</button></p></form>`,
    ),
  );
}

export async function postLicense(ctx: PortalContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const session = requireSession(ctx, req, res, { protectedRoute: false });
  if (!session) return;
  if (!session.licenseAccepted) {
    session.licenseAccepted = true;
    ctx.stats.c.licenseAccepts += 1;
  }
  redirect(res, '/inventory');
}

export function userFilter(ctx: PortalContext, session: Session): InventoryFilter {
  return ctx.filters.get(session.username) ?? { ...(ctx.stickyFilter ? STICKY_DEFAULT_FILTER : NO_FILTER) };
}

function filterLabel(filter: InventoryFilter): string {
  const parts: string[] = [];
  if (filter.status !== STATUS_ALL) parts.push(`Status: ${filter.status}`);
  if (filter.make) parts.push(`Make: ${filter.make}`);
  return parts.length ? parts.join(', ') : 'none';
}

function options(values: readonly string[], selected: string, labels: Record<string, string> = {}): string {
  return values
    .map((v) => `<option value="${esc(v)}"${v === selected ? ' selected' : ''}>${esc(labels[v] ?? v)}</option>`)
    .join('');
}

function row(v: DemoVehicle): string {
  return `<tr data-ref="${esc(v.ref)}"><td><a href="/vehicles/${encodeURIComponent(v.ref)}" class="vehicle-link">${esc(v.ref)}</a></td><td>${esc(v.vin)}</td><td>${v.year}</td><td>${esc(v.make)}</td><td>${esc(v.model)}</td><td>${esc(v.trim)}</td><td>${v.mileage.toLocaleString('en-US')}</td><td>${esc(v.stockNumber)}</td><td>${esc(v.status)}</td><td>$${v.price.toLocaleString('en-US')}</td></tr>`;
}

export function getInventory(ctx: PortalContext, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const session = requireSession(ctx, req, res, { protectedRoute: true });
  if (!session) return;
  const filter = userFilter(ctx, session);
  const vehicles = applyFilter(ctx.inventory, filter);
  // The table is paginated (large inventories); the CSV export is not.
  const pages = Math.max(1, Math.ceil(vehicles.length / PAGE_SIZE));
  const page = Math.min(pages, Math.max(1, Number.parseInt(url.searchParams.get('page') ?? '1', 10) || 1));
  const shown = vehicles.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const pager =
    pages > 1
      ? `<p class="pager" id="pager">Page ${page} of ${pages}${page > 1 ? ` <a href="/inventory?page=${page - 1}" rel="prev">Previous</a>` : ''}${page < pages ? ` <a href="/inventory?page=${page + 1}" rel="next" id="next-page">Next</a>` : ''}</p>`
      : '';
  sendHtml(
    res,
    200,
    layout(
      'Inventory',
      `<h1>Inventory</h1>
<form id="filter-form" class="inline" method="post" action="/inventory/filters">
<label>Status <select name="status" id="filter-status">${options([STATUS_ALL, ...STATUSES], filter.status)}</select></label>
<label>Make <select name="make" id="filter-make">${options(['', ...MAKE_NAMES], filter.make, { '': 'All makes' })}</select></label>
<button type="submit" id="apply-filters">Apply</button>
</form>
<form id="clear-filters-form" class="inline" method="post" action="/inventory/filters/clear"><button type="submit" id="clear-filters">Clear filters</button></form>
<p id="active-filters">Saved filters: ${esc(filterLabel(filter))}</p>
<p id="inventory-count">Showing ${vehicles.length} of ${ctx.inventory.length} vehicles</p>
<p><a id="export-csv" class="button" href="/inventory/export.csv" download>Export CSV</a></p>
<table id="inventory-table">
<thead><tr><th>Reference Number</th><th>VIN</th><th>Year</th><th>Make</th><th>Model</th><th>Trim</th><th>Mileage</th><th>Stock Number</th><th>Status</th><th>Price</th></tr></thead>
<tbody>
${shown.map(row).join('\n')}
</tbody>
</table>
${pager}`,
      { nav: true },
    ),
  );
}

export async function postFilters(ctx: PortalContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = await readForm(req);
  const session = requireSession(ctx, req, res, { protectedRoute: true });
  if (!session) return;
  const status = form.get('status') ?? STATUS_ALL;
  const make = form.get('make') ?? '';
  ctx.filters.set(session.username, {
    status: (STATUSES as readonly string[]).includes(status) ? status : STATUS_ALL,
    make: MAKE_NAMES.includes(make) ? make : '',
  });
  redirect(res, '/inventory');
}

export function postClearFilters(ctx: PortalContext, req: IncomingMessage, res: ServerResponse): void {
  const session = requireSession(ctx, req, res, { protectedRoute: true });
  if (!session) return;
  ctx.filters.set(session.username, { ...NO_FILTER });
  redirect(res, '/inventory');
}

export function getVehiclePage(ctx: PortalContext, req: IncomingMessage, res: ServerResponse, ref: string): void {
  const session = requireSession(ctx, req, res, { protectedRoute: true, document: true });
  if (!session) return;
  const v = ctx.byRef.get(ref);
  if (!v) {
    sendHtml(res, 404, errorPage(404, 'Not Found', `No vehicle with reference number ${ref}.`));
    return;
  }
  // The portal's server-side "current vehicle": what `interfere` mixes up.
  session.currentRef = v.ref;
  const title = `${v.year} ${v.make} ${v.model} ${v.trim}`;
  const pdfHref = `/vehicles/${encodeURIComponent(v.ref)}/report.pdf`;
  sendHtml(
    res,
    200,
    layout(
      title,
      `<h1 id="vehicle-title">${esc(title)}</h1>
<dl class="details" id="vehicle-details">
<dt>Reference Number</dt><dd id="vehicle-ref">${esc(v.ref)}</dd>
<dt>VIN</dt><dd id="vehicle-vin">${esc(v.vin)}</dd>
<dt>Year</dt><dd id="vehicle-year">${v.year}</dd>
<dt>Make</dt><dd id="vehicle-make">${esc(v.make)}</dd>
<dt>Model</dt><dd id="vehicle-model">${esc(v.model)}</dd>
<dt>Trim</dt><dd id="vehicle-trim">${esc(v.trim)}</dd>
<dt>Mileage</dt><dd id="vehicle-mileage">${v.mileage.toLocaleString('en-US')} mi</dd>
<dt>Stock Number</dt><dd id="vehicle-stock">${esc(v.stockNumber)}</dd>
<dt>Status</dt><dd id="vehicle-status">${esc(v.status)}</dd>
<dt>Price</dt><dd id="vehicle-price">$${v.price.toLocaleString('en-US')}</dd>
</dl>
<p><a id="download-pdf" class="button" href="${esc(pdfHref)}" download>Download PDF</a></p>
<p><a href="/inventory">Back to the inventory</a></p>`,
      { nav: true },
    ),
  );
}

export function getRoot(ctx: PortalContext, req: IncomingMessage, res: ServerResponse): void {
  redirect(res, ctx.sessions.peek(sessionToken(req)) ? '/inventory' : '/login');
}
