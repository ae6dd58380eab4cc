import { esc } from '../../html.js';
import type { Session } from '../../sessions.js';
import { stickerToken, type StickerSiteState } from './state.js';

const enc = encodeURIComponent;

export const vehicleHref = (ref: string): string => `/vehicles/${enc(ref)}`;

/** The page a sticker tab opens first ("preparing..."), which then loads the PDF. */
export const stickerHref = (state: StickerSiteState, session: Session, ref: string): string =>
  `/vehicles/${enc(ref)}/sticker?t=${stickerToken(state, session.token, ref)}`;

export const stickerPdfHref = (state: StickerSiteState, session: Session, ref: string): string =>
  `/vehicles/${enc(ref)}/sticker.pdf?t=${stickerToken(state, session.token, ref)}`;

/** A control that opens the sticker in a new tab from script, as the portal's grid does. */
export function stickerButton(href: string, id?: string): string {
  return `<button type="button"${id ? ` id="${id}"` : ''} class="window-sticker" data-href="${esc(href)}" onclick="window.open(this.dataset.href, '_blank')">Window sticker</button>`;
}
