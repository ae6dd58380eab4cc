/** Building blocks for profile hooks: portals that sign in, list vehicles or hand out PDFs differently. */
export { downloadFromNewTab, type NewTabOptions } from './new-tab.js';
export { scrapeGridAsCsv, type GridScrapeOptions } from './grid-scrape.js';
export { twoStepLogin, type TwoStepLoginSelectors } from './two-step-login.js';
export { toCsv } from './csv.js';
export { fillTotp, totpCode, TotpMissingError } from './totp.js';
export { httpJson, pageJson, readCursorPages, readOffsetPages, type CursorPagesOptions, type JsonGetter, type OffsetPagesOptions } from './paged-json.js';
export { listTexts, scrollToEnd, type InfiniteScrollOptions } from './infinite-scroll.js';
export { pollJob, type PollJobOptions } from './poll-job.js';
