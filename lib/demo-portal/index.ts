/** The bundled demo dealer portal: what `npm start` runs against by default and what every test uses. */
export { startDemoPortal } from './server.js';
export { parseFaults, formatFaults } from './faults.js';
export { DEMO_CREDENTIALS } from './constants.js';
export { isValidVin, vinCheckDigit } from './vin.js';
export type { DemoPortal, DemoPortalOptions, DemoPortalStats, DemoVehicle, FaultSpec } from './types.js';
