export { cookie, manualClock, session, vehicles } from '../../helpers/factories.js';
