export * from './profile.js';
export * from './session-manager.js';
export * from './steps.js';
export * from './direct-document.js';
export * from './fetch-mode.js';
export {
  browserMightSucceed,
  httpStatusError,
  isLicenseUrl,
  isLoginUrl,
  looksLikePdf,
  parseRetryAfterMs,
  sessionEnded,
} from './http-outcome.js';
export { parseInventoryCsv, validateRef } from './inventory-csv.js';
export type { InventoryColumns, ParseInventoryOptions, ParsedInventory } from './inventory-csv.js';
export { isValidVin, isWellFormedVin, normalizeVin, vinCheckDigit } from './vin.js';
