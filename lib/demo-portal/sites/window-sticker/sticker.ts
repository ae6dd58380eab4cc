import type { IncomingMessage, ServerResponse } from 'node:http';
import { requireSession } from '../../auth.js';
import type { PortalContext } from '../../context.js';
import { errorPage, esc, layout } from '../../html.js';
import { send, sendHtml } from '../../http.js';
import { vehicleToServe } from '../../routes/downloads.js';
import type { Session } from '../../sessions.js';
import type { DemoVehicle } from '../../types.js';
import { isValidVin } from '../../vin.js';
import { BRANDING } from './constants.js';
import { stickerButton, stickerHref, stickerPdfHref } from './links.js';
import { isStickerToken, type StickerSiteState } from './state.js';

function notFound(res: ServerResponse, ref: string): void {
  sendHtml(res, 404, errorPage(404, 'Not Found', `No vehicle with ID ${ref}.`, BRANDING));
}

/** The vehicle page; opening it makes the vehicle the session's "current vehicle" (what `interfere` mixes up). */
export function getVehicle(state: StickerSiteState) {
  return (ctx: PortalContext, req: IncomingMessage, res: ServerResponse, _url: URL, ref: string): void => {
    const session = requireSession(ctx, req, res, { protectedRoute: true, document: true });
    if (!session) return;
    const v = ctx.byRef.get(ref);
    if (!v) {
      notFound(res, ref);
      return;
    }
    session.currentRef = v.ref;
    const title = `${v.year} ${v.make} ${v.model} ${v.trim}`;
    sendHtml(
      res,
      200,
      layout(
        title,
        `<h1 id="vehicle-title">${esc(title)}</h1>
<dl class="details" id="vehicle-details">
<dt>Vehicle ID</dt><dd id="vehicle-ref">${esc(v.ref)}</dd>
<dt>VIN</dt><dd id="vehicle-vin">${esc(v.vin)}</dd>
<dt>Stock #</dt><dd id="vehicle-stock">${esc(v.stockNumber)}</dd>
<dt>Status</dt><dd id="vehicle-status">${esc(v.status)}</dd>
</dl>
<p>${stickerButton(stickerHref(state, session, v.ref), 'window-sticker')}</p>
<p><a href="/inventory">Back to the inventory</a></p>`,
        { nav: true, branding: BRANDING },
      ),
    );
  };
}

/** The session and vehicle of a sticker request whose link token is right; otherwise the answer is sent. */
function stickerRequest(
  state: StickerSiteState,
  ctx: PortalContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ref: string,
): { session: Session; vehicle: DemoVehicle } | undefined {
  const session = requireSession(ctx, req, res, { protectedRoute: true, document: true });
  if (!session) return undefined;
  const vehicle = ctx.byRef.get(ref);
  if (!vehicle) {
    notFound(res, ref);
    return undefined;
  }
  if (!isStickerToken(state, session.token, ref, url.searchParams.get('t'))) {
    sendHtml(res, 403, errorPage(403, 'Forbidden', 'This window sticker link has expired. Open the sticker from the vehicle page again.', BRANDING));
    return undefined;
  }
  return { session, vehicle };
}

/**
 * What the new tab opens first: a "preparing" page that then replaces itself with the PDF, so
 * the tab's first answer is HTML and the document comes with a second navigation.
 */
export function getStickerPreparing(state: StickerSiteState) {
  return (ctx: PortalContext, req: IncomingMessage, res: ServerResponse, url: URL, ref: string): void => {
    const found = stickerRequest(state, ctx, req, res, url, ref);
    if (!found) return;
    const { session, vehicle } = found;
    const target = JSON.stringify(stickerPdfHref(state, session, vehicle.ref)).replaceAll('<', '\\u003c');
    sendHtml(
      res,
      200,
      layout(
        'Preparing window sticker',
        `<p id="sticker-preparing">Preparing the window sticker for ${esc(`${vehicle.year} ${vehicle.make} ${vehicle.model}`)}&hellip;</p>
<script>setTimeout(function () { location.replace(${target}); }, 30);</script>`,
        { branding: BRANDING },
      ),
    );
  };
}

/**
 * The sticker PDF, shown inline in the tab. A VIN that fails its check digit cannot be decoded,
 * so there is no sticker for it (422), however often it is asked for.
 */
export function getStickerPdf(state: StickerSiteState) {
  return async (ctx: PortalContext, req: IncomingMessage, res: ServerResponse, url: URL, ref: string): Promise<void> => {
    const found = stickerRequest(state, ctx, req, res, url, ref);
    if (!found) return;
    const { session, vehicle: requested } = found;
    if (!isValidVin(requested.vin)) {
      sendHtml(
        res,
        422,
        errorPage(422, 'Unprocessable Entity', `The window sticker cannot be made: VIN ${requested.vin} could not be decoded.`, BRANDING),
      );
      return;
    }
    const served = vehicleToServe(ctx, session, requested);
    const bytes = await ctx.pdfs.get(served);
    ctx.stats.pdfServed(requested.ref, served.ref);
    send(res, 200, bytes, {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="window-sticker-${requested.ref}.pdf"`,
      'Cache-Control': 'no-store',
    });
  };
}
