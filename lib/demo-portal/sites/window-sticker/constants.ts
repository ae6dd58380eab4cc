/** Fixed names of the window-sticker demo site (the window-sticker profile relies on them). */
import type { Branding } from '../../html.js';

export const BRANDING: Branding = { brand: 'Demo Window Stickers', service: 'window sticker service' };

export const SIGNIN_PATH = '/signin';
export const PASSWORD_PATH = '/signin/password';

/** Carries the user name from the first sign-in step to the second. */
export const SIGNIN_COOKIE = 'ws_signin';
/** A started sign-in is forgotten after this long (the user starts again). */
export const SIGNIN_TTL_MS = 10 * 60 * 1000;
/** Started sign-ins kept at most (bounded memory; the oldest go first). */
export const MAX_PENDING_SIGNINS = 10_000;

/** Grid rows per page; the grid is the only way to list the inventory (no export). */
export const GRID_PAGE_SIZE = 25;

/** The grid's columns, in order; the last one holds the "Window sticker" control. */
export const GRID_COLUMNS = ['Vehicle ID', 'Stock #', 'VIN', 'Year', 'Make', 'Model', 'Trim', 'Status', 'Window sticker'] as const;

/**
 * Every 10th vehicle from the 8th on (positions 7, 17, 27, ...) carries a VIN whose check digit
 * is wrong, as dealer data entry produces; the portal cannot make a sticker for it.
 */
export const BROKEN_VIN_EVERY = 10;
export const BROKEN_VIN_OFFSET = 7;
