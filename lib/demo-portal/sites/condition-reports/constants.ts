/** Fixed names of the condition-reports demo site (the condition-reports profile relies on them). */
import type { Branding } from '../../html.js';

export const BRANDING: Branding = { brand: 'Demo Condition Reports', service: 'condition report service' };

/** The sign-in shell; the form itself is in an iframe. */
export const SIGNIN_PATH = '/signin';
export const SIGNIN_FRAME_PATH = '/signin/frame';
export const SIGNIN_CODE_PATH = '/signin/code';
export const TERMS_PATH = '/terms';
export const HOME_PATH = '/';
/** The infinite-scroll list in front of the feed. */
export const LIST_PATH = '/reports';
/** The cursor-paged JSON inventory feed. */
export const FEED_PATH = '/api/vehicles';
/** POST a job here; GET `${JOBS_PATH}/<id>` polls it. */
export const JOBS_PATH = '/api/reports';
/** One-time download links: `${FILES_PATH}<token>`. */
export const FILES_PATH = '/files/';

export const FEED_PAGE_SIZE = 50;
export const FEED_MAX_PAGE_SIZE = 100;
/** Status polls a job answers "preparing" to before it is ready (a deterministic request count per report). */
export const JOB_POLLS_BEFORE_READY = 1;
/** What a "preparing" answer suggests waiting before the next poll, in ms. */
export const JOB_RETRY_AFTER_MS = 25;

/** Started sign-ins and jobs kept at most (bounded memory; the oldest go first). */
export const MAX_PENDING = 10_000;

/**
 * Positions (index % 50) whose refs are awkward the way dealer stock numbers are: a slash,
 * leading and trailing spaces, lowercase, a non-ASCII letter.
 */
export const AWKWARD_EVERY = 50;
export const SLASH_AT = 7;
export const SPACES_AT = 19;
export const LOWERCASE_AT = 31;
export const NON_ASCII_AT = 43;
