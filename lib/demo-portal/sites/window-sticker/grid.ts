import type { IncomingMessage, ServerResponse } from 'node:http';
import { requireSession } from '../../auth.js';
import type { PortalContext } from '../../context.js';
import { esc, layout } from '../../html.js';
import { readForm, redirect, sendHtml } from '../../http.js';
import { MAKE_NAMES } from '../../inventory.js';
import type { Session } from '../../sessions.js';
import type { DemoVehicle } from '../../types.js';
import { BRANDING, GRID_COLUMNS, GRID_PAGE_SIZE } from './constants.js';
import {
  ALL_STATUSES,
  NO_GRID_FILTER,
  STICKY_GRID_FILTER,
  applyGridFilter,
  filterChips,
  type GridFilter,
} from './inventory.js';
import { stickerButton, stickerHref, vehicleHref } from './links.js';
import type { StickerSiteState } from './state.js';

function savedFilter(ctx: PortalContext, state: StickerSiteState, session: Session): GridFilter {
  const saved = state.filters.get(session.username);
  if (saved) return saved;
  const initial = ctx.stickyFilter ? STICKY_GRID_FILTER : NO_GRID_FILTER;
  return { statuses: [...initial.statuses], make: initial.make };
}

function row(state: StickerSiteState, session: Session, v: DemoVehicle): string {
  const cells = [
    `<a href="${vehicleHref(v.ref)}" class="vehicle-link">${esc(v.ref)}</a>`,
    esc(v.stockNumber),
    esc(v.vin),
    String(v.year),
    esc(v.make),
    esc(v.model),
    esc(v.trim),
    esc(v.status),
    stickerButton(stickerHref(state, session, v.ref)),
  ];
  return `<tr class="grid-row" data-ref="${esc(v.ref)}">${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

function filterForm(filter: GridFilter): string {
  const boxes = ALL_STATUSES.map(
    (s) =>
      `<label><input type="checkbox" name="status" value="${esc(s)}"${filter.statuses.includes(s) ? ' checked' : ''}> ${esc(s)}</label>`,
  ).join(' ');
  const makes = ['', ...MAKE_NAMES]
    .map((m) => `<option value="${esc(m)}"${m === filter.make ? ' selected' : ''}>${esc(m || 'All makes')}</option>`)
    .join('');
  const chips = filterChips(filter);
  return `<form id="grid-filter-form" class="inline" method="post" action="/inventory/filters">
<fieldset id="grid-status"><legend>Status</legend>${boxes}</fieldset>
<label>Make <select name="make" id="grid-make">${makes}</select></label>
<button type="submit" id="grid-apply">Apply</button>
</form>
<form id="grid-reset-form" class="inline" method="post" action="/inventory/filters/reset"><button type="submit" id="grid-reset">Reset filters</button></form>
<p id="grid-filters">Filters: ${chips.length ? chips.map((c) => `<span class="filter-chip">${esc(c)}</span>`).join(' ') : 'none'}</p>`;
}

function pager(page: number, pages: number): string {
  if (pages <= 1) return '';
  const prev = page > 1 ? ` <a href="/inventory?page=${page - 1}" rel="prev" id="grid-prev">&lsaquo; Previous</a>` : '';
  const next = page < pages ? ` <a href="/inventory?page=${page + 1}" rel="next" id="grid-next">Next &rsaquo;</a>` : '';
  return `<nav id="grid-pager" aria-label="Pages">Page ${page} of ${pages}${prev}${next}</nav>`;
}

/**
 * The inventory grid: the saved filter applies, 25 rows a page, and a page number past the end
 * shows the last page again (so "fetch pages until one is empty" never ends: follow Next).
 */
export function getGrid(state: StickerSiteState) {
  return (ctx: PortalContext, req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const session = requireSession(ctx, req, res, { protectedRoute: true });
    if (!session) return;
    const filter = savedFilter(ctx, state, session);
    const vehicles = applyGridFilter(ctx.inventory, filter);
    const pages = Math.max(1, Math.ceil(vehicles.length / GRID_PAGE_SIZE));
    const page = Math.min(pages, Math.max(1, Number.parseInt(url.searchParams.get('page') ?? '1', 10) || 1));
    const from = (page - 1) * GRID_PAGE_SIZE;
    const shown = vehicles.slice(from, from + GRID_PAGE_SIZE);
    const count = shown.length ? `${from + 1}&ndash;${from + shown.length} of ${vehicles.length} vehicles` : '0 of 0 vehicles';
    const body = shown.length
      ? shown.map((v) => row(state, session, v)).join('\n')
      : `<tr class="grid-empty"><td colspan="${GRID_COLUMNS.length}">No vehicles match the filters.</td></tr>`;
    sendHtml(
      res,
      200,
      layout(
        'Inventory',
        `<h1>Inventory</h1>
${filterForm(filter)}
<p id="grid-count">${count}</p>
<table id="grid">
<thead><tr>${GRID_COLUMNS.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead>
<tbody>
${body}
</tbody>
</table>
${pager(page, pages)}`,
        { nav: true, branding: BRANDING },
      ),
    );
  };
}

export function postGridFilter(state: StickerSiteState) {
  return async (ctx: PortalContext, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const form = await readForm(req);
    const session = requireSession(ctx, req, res, { protectedRoute: true });
    if (!session) return;
    const make = form.get('make') ?? '';
    state.filters.set(session.username, {
      statuses: ALL_STATUSES.filter((s) => form.getAll('status').includes(s)),
      make: MAKE_NAMES.includes(make) ? make : '',
    });
    redirect(res, '/inventory');
  };
}

export function postGridReset(state: StickerSiteState) {
  return (ctx: PortalContext, req: IncomingMessage, res: ServerResponse): void => {
    const session = requireSession(ctx, req, res, { protectedRoute: true });
    if (!session) return;
    state.filters.set(session.username, { statuses: [...NO_GRID_FILTER.statuses], make: '' });
    redirect(res, '/inventory');
  };
}
