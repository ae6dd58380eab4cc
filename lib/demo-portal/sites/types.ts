import type { PortalContext } from '../context.js';
import type { Branding } from '../html.js';
import type { RouteTable } from '../routing.js';
import type { DemoSite, DemoVehicle } from '../types.js';

/**
 * One bundled demo site: its inventory, its PDF and its routes. Everything else (sessions,
 * latency, faults, stats, the PDF cache, the admin routes) is the portal's shared machinery.
 */
export interface SiteDefinition {
  name: DemoSite;
  /** Name in the top bar, titles and error pages; the service the 5xx pages say is down. */
  branding: Branding;
  /** Where an ended session is sent (`?reason=` is appended). */
  loginPath: string;
  /** The deterministic inventory: same (count, seed) => same vehicles. */
  inventory(count: number, seed: number): DemoVehicle[];
  /** The vehicle's PDF; depends on the vehicle only, so a re-download is byte-identical. */
  renderPdf(vehicle: DemoVehicle): Promise<Buffer>;
  /** The site's routes, bound to one running portal (sites keep their own state in the closure). */
  routes(ctx: PortalContext): RouteTable;
}
