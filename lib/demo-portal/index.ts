/** The bundled demo dealer portal: what `npm start` runs against by default and what every test uses. */
export { startDemoPortal } from './server.js';
export { parseFaults, formatFaults } from './faults.js';
export { DEMO_CREDENTIALS } from './constants.js';
export { AWKWARD_DEMO_REFS } from './inventory.js';
export { isValidVin, vinCheckDigit } from './vin.js';
export { DEMO_SITES, demoSiteForProfile } from './sites/index.js';
export type { DemoPortal, DemoPortalOptions, DemoPortalStats, DemoSite, DemoVehicle, FaultSpec } from './types.js';
