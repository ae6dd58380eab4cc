import { z } from 'zod';
import { DEMO_CREDENTIALS, DEMO_SITES, startDemoPortal } from '../../demo-portal/index.js';
import { parseOptions } from '../config.js';

const PortalOptionsSchema = z.object({
  port: z.coerce.number().int().min(0, '--port must be 0-65535').max(65535, '--port must be 0-65535').default(4010),
  host: z.string().default('127.0.0.1'),
  vehicles: z.coerce.number().int().min(1).max(100_000).default(200),
  latency: z.coerce.number().int().min(0).default(0),
  pdfLatency: z.coerce.number().int().min(0).default(0),
  faults: z.string().optional(),
  seed: z.coerce.number().int().min(0).default(1),
  site: z.enum(DEMO_SITES, { error: `--site must be one of ${DEMO_SITES.join(', ')}` }).default('dealer-values'),
});

/** `fleetpdf portal`: serve the demo portal alone until Ctrl-C. */
export async function portalCommand(raw: Record<string, unknown>): Promise<number> {
  const options = parseOptions(PortalOptionsSchema, raw);
  const portal = await startDemoPortal({
    site: options.site,
    port: options.port,
    host: options.host,
    vehicles: options.vehicles,
    seed: options.seed,
    pageLatencyMs: options.latency,
    pdfLatencyMs: options.pdfLatency,
    faults: options.faults,
  });
  process.stderr.write(
    `demo portal (${portal.site}) listening on ${portal.url} (${options.vehicles} vehicles; user "${DEMO_CREDENTIALS.username}", ` +
      `password "${DEMO_CREDENTIALS.password}"; stats at ${portal.url}/__admin/stats). Ctrl-C to stop.\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await portal.close();
  return 0;
}
