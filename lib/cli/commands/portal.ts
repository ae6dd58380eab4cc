import { z } from 'zod';
import { DEMO_CREDENTIALS, DEMO_SITES, startDemoPortal } from '../../demo-portal/index.js';
import { parseOptions } from '../config.js';
import { settingsFromOptions } from '../setting-options.js';

/** The flags of `fleetpdf portal` that are not settings: where to listen, which site. */
const PortalServerSchema = z.object({
  port: z.coerce.number().int().min(0, '--port must be 0-65535').max(65535, '--port must be 0-65535').default(4010),
  host: z.string().default('127.0.0.1'),
  site: z.enum(DEMO_SITES, { error: `--site must be one of ${DEMO_SITES.join(', ')}` }).default('dealer-values'),
});

/** `fleetpdf portal`: serve the demo portal alone until Ctrl-C. */
export async function portalCommand(raw: Record<string, unknown>): Promise<number> {
  const server = parseOptions(PortalServerSchema, raw);
  const settings = settingsFromOptions(raw, 'portal');
  const portal = await startDemoPortal({
    site: server.site,
    port: server.port,
    host: server.host,
    vehicles: settings.demoVehicles,
    seed: settings.demoSeed,
    pageLatencyMs: settings.demoPageLatencyMs,
    pdfLatencyMs: settings.demoPdfLatencyMs,
    faults: settings.demoFaults,
  });
  process.stderr.write(
    `demo portal (${portal.site}) listening on ${portal.url} (${settings.demoVehicles} vehicles; user "${DEMO_CREDENTIALS.username}", ` +
      `password "${DEMO_CREDENTIALS.password}"${portal.site === 'condition-reports' ? `, TOTP secret "${DEMO_CREDENTIALS.totpSecret}"` : ''}; ` +
      `stats at ${portal.url}/__admin/stats). Ctrl-C to stop.\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await portal.close();
  return 0;
}
