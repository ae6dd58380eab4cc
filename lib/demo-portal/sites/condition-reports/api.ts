import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PortalContext } from '../../context.js';
import { esc, layout } from '../../html.js';
import { readText, send, sendHtml, sendJson } from '../../http.js';
import { vehicleToServe } from '../../routes/downloads.js';
import { BRANDING, FEED_MAX_PAGE_SIZE, FEED_PAGE_SIZE, FEED_PATH, FILES_PATH, JOB_POLLS_BEFORE_READY, JOB_RETRY_AFTER_MS, JOBS_PATH } from './constants.js';
import { siteSession } from './session.js';
import { newId, type ConditionSiteState } from './state.js';

const encodeCursor = (offset: number): string => Buffer.from(`o:${offset}`).toString('base64url');

function decodeCursor(cursor: string | null): number | undefined {
  if (!cursor) return 0;
  const match = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

/**
 * The inventory feed: `?cursor=<opaque>&limit=N`, answering `{ items, nextCursor, total }`;
 * `nextCursor` is null on the last page. The only way to list the vehicles (no export).
 */
export function getFeed(ctx: PortalContext, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const session = siteSession(ctx, req, res, 'api');
  if (!session) return;
  const offset = decodeCursor(url.searchParams.get('cursor'));
  const limit = Math.min(FEED_MAX_PAGE_SIZE, Math.max(1, Number(url.searchParams.get('limit')) || FEED_PAGE_SIZE));
  if (offset === undefined) {
    sendJson(res, 400, { error: 'bad_cursor' });
    return;
  }
  const page = ctx.inventory.slice(offset, offset + limit);
  const next = offset + page.length;
  ctx.stats.c.exports += 1;
  sendJson(res, 200, {
    items: page.map((v) => ({ stock: v.ref, vin: v.vin, year: v.year, make: v.make, model: v.model, trim: v.trim })),
    nextCursor: next < ctx.inventory.length ? encodeCursor(next) : null,
    total: ctx.inventory.length,
  });
}

/** The list page: an infinite-scroll list that reads the feed as the user scrolls. */
export function getList(ctx: PortalContext, req: IncomingMessage, res: ServerResponse): void {
  const session = siteSession(ctx, req, res, 'page');
  if (!session) return;
  const script = `
const list = document.getElementById('vehicle-list');
const end = document.getElementById('list-end');
const sentinel = document.getElementById('list-sentinel');
let cursor = '';
let loading = false;
let done = false;
const more = async () => {
  if (loading || done) return;
  loading = true;
  const answer = await fetch(${JSON.stringify(FEED_PATH)} + '?limit=20' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
  const data = await answer.json();
  for (const item of data.items) {
    const li = document.createElement('li');
    li.className = 'vehicle';
    li.dataset.stock = item.stock;
    li.textContent = item.stock + ' - ' + item.year + ' ' + item.make + ' ' + item.model + ' - ' + item.vin;
    list.appendChild(li);
  }
  cursor = data.nextCursor;
  done = !cursor;
  end.hidden = !done;
  loading = false;
  if (!done && sentinel.getBoundingClientRect().top < innerHeight) more();
};
new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) more(); }).observe(sentinel);
`;
  sendHtml(
    res,
    200,
    layout(
      'Vehicles',
      `<h1>Vehicles</h1><ul id="vehicle-list"></ul><div id="list-sentinel" style="height: 1px"></div><p id="list-end" hidden>${esc('End of the list')}</p><script>${script}</script>`,
      { branding: BRANDING },
    ),
  );
}

/** POST /api/reports `{ "stock": ref }`: a job that prepares the vehicle's report (for this session only). */
export function postJob(state: ConditionSiteState) {
  return async (ctx: PortalContext, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const session = siteSession(ctx, req, res, 'api');
    if (!session) return;
    let stock: unknown;
    try {
      stock = (JSON.parse(await readText(req)) as { stock?: unknown }).stock;
    } catch {
      sendJson(res, 400, { error: 'bad_json' });
      return;
    }
    const vehicle = typeof stock === 'string' ? ctx.byRef.get(stock) : undefined;
    if (!vehicle) {
      sendJson(res, 404, { error: 'unknown_stock' });
      return;
    }
    session.currentRef = vehicle.ref;
    const jobId = newId();
    state.jobs.set(jobId, { sessionToken: session.token, ref: vehicle.ref, polls: 0 });
    sendJson(res, 202, { jobId, status: 'queued', statusUrl: `${JOBS_PATH}/${jobId}` });
  };
}

/** GET /api/reports/<id>: "preparing" at first, then "ready" with a one-time download link. */
export function getJob(state: ConditionSiteState) {
  return (ctx: PortalContext, req: IncomingMessage, res: ServerResponse, _url: URL, jobId: string): void => {
    const session = siteSession(ctx, req, res, 'api');
    if (!session) return;
    const job = state.jobs.get(jobId);
    if (!job || job.sessionToken !== session.token) {
      sendJson(res, 404, { error: 'unknown_job' });
      return;
    }
    job.polls += 1;
    if (job.polls <= JOB_POLLS_BEFORE_READY) {
      sendJson(res, 200, { jobId, status: 'preparing', retryAfterMs: JOB_RETRY_AFTER_MS });
      return;
    }
    if (!job.fileToken) {
      job.fileToken = newId(18);
      state.files.set(job.fileToken, { sessionToken: session.token, ref: job.ref, used: false });
    }
    sendJson(res, 200, { jobId, status: 'ready', downloadUrl: `${FILES_PATH}${job.fileToken}` });
  };
}

/** GET /files/<token>: the report, once; the link is spent after that (410). */
export function getFile(state: ConditionSiteState) {
  return async (ctx: PortalContext, req: IncomingMessage, res: ServerResponse, _url: URL, token: string): Promise<void> => {
    const session = siteSession(ctx, req, res, 'api');
    if (!session) return;
    const file = state.files.get(token);
    if (!file || file.sessionToken !== session.token) {
      sendJson(res, 404, { error: 'unknown_file' });
      return;
    }
    if (file.used) {
      sendJson(res, 410, { error: 'link_used', message: 'This download link has already been used.' });
      return;
    }
    file.used = true;
    const requested = ctx.byRef.get(file.ref)!;
    const served = vehicleToServe(ctx, session, requested);
    const bytes = await ctx.pdfs.get(served);
    ctx.stats.pdfServed(requested.ref, served.ref);
    send(res, 200, bytes, {
      'Content-Type': 'application/pdf',
      'Content-Disposition': 'attachment; filename="condition-report.pdf"',
      'Cache-Control': 'no-store',
    });
  };
}
