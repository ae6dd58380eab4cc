export * from './profile.js';
export * from './session-manager.js';
export * from './steps.js';
export { parseInventoryCsv, validateRef } from './inventory-csv.js';
export type { InventoryColumns, ParseInventoryOptions, ParsedInventory } from './inventory-csv.js';
export { isValidVin, isWellFormedVin, normalizeVin, vinCheckDigit } from './vin.js';
