/**
 * The bench's demo portal in a process of its own (see portal-process.ts): its options as JSON
 * in argv[2]; prints its URL on stdout, serves until SIGTERM.
 */
import { startDemoPortal, type DemoPortalOptions } from '../../lib/demo-portal/index.js';

const portal = await startDemoPortal(JSON.parse(process.argv[2] ?? '{}') as DemoPortalOptions);
process.stdout.write(`${portal.url}\n`);
process.once('SIGTERM', () => {
  void portal.close().finally(() => process.exit(0));
});
