import { generateInventory } from '../inventory.js';
import { renderValuationPdf } from '../pdf.js';
import { getExport, getReportPdf } from '../routes/downloads.js';
import {
  getInventory,
  getLicense,
  getLogin,
  getLogout,
  getRoot,
  getVehiclePage,
  postClearFilters,
  postFilters,
  postLicense,
  postLogin,
} from '../routes/pages.js';
import { matchStatic, pathParam, page, pdf, routeVerb, type Route, type RouteMatch } from '../routing.js';
import type { SiteDefinition } from './types.js';

const EXACT: Record<string, Route> = {
  'GET /': page((ctx, req, res) => getRoot(ctx, req, res)),
  'GET /login': page((ctx, req, res, url) => getLogin(ctx, req, res, url)),
  'POST /login': page((ctx, req, res) => postLogin(ctx, req, res)),
  'GET /logout': page((ctx, req, res) => getLogout(ctx, req, res)),
  'GET /license': page((ctx, req, res) => getLicense(ctx, req, res)),
  'POST /license': page((ctx, req, res) => postLicense(ctx, req, res)),
  'GET /inventory': page((ctx, req, res, url) => getInventory(ctx, req, res, url), true),
  'POST /inventory/filters': page((ctx, req, res) => postFilters(ctx, req, res), true),
  'POST /inventory/filters/clear': page((ctx, req, res) => postClearFilters(ctx, req, res), true),
  'GET /inventory/export.csv': page((ctx, req, res) => getExport(ctx, req, res), true),
};

const VEHICLE_PAGE = /^\/vehicles\/([^/]+)$/;
const VEHICLE_PDF = /^\/vehicles\/([^/]+)\/report\.pdf$/;

const REPORT_PDF = pdf((c, q, s, _u, ref) => getReportPdf(c, q, s, ref));
const VEHICLE = page((c, q, s, _u, ref) => getVehiclePage(c, q, s, ref), true);

/** The route for a request, with the URL parameter (a ref) when there is one. */
function matchRoute(method: string, path: string): RouteMatch | undefined {
  const verb = routeVerb(method);
  const exact = EXACT[`${verb} ${path}`];
  if (exact) return { route: exact, param: '' };
  if (verb !== 'GET') return undefined;
  const asset = matchStatic(verb, path);
  if (asset) return asset;
  const pdfRef = pathParam(VEHICLE_PDF, path);
  if (pdfRef !== undefined) return { route: REPORT_PDF, param: pdfRef };
  const vehicleRef = pathParam(VEHICLE_PAGE, path);
  if (vehicleRef !== undefined) return { route: VEHICLE, param: vehicleRef };
  return undefined;
}

/**
 * The dealer valuation portal (profile `dealer-values`): CSRF login, a license once per
 * session, an inventory with sticky filters and a CSV export, a "Download PDF" per vehicle.
 */
export const dealerValuesSite: SiteDefinition = {
  name: 'dealer-values',
  branding: { brand: 'Demo Dealer Values', service: 'valuation service' },
  loginPath: '/login',
  inventory: generateInventory,
  renderPdf: renderValuationPdf,
  routes: () => matchRoute,
};
