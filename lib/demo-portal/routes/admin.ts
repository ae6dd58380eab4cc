import type { IncomingMessage, ServerResponse } from 'node:http';
import { FleetPdfError } from '../../core/errors.js';
import { formatFaults, normalizeFaults } from '../faults.js';
import { readText, sendJson } from '../http.js';
import type { FaultSpec } from '../types.js';

/** What the admin routes drive: the same operations as the DemoPortal handle. */
export interface AdminActions {
  stats(): unknown;
  resetStats(): void;
  kick(): number;
  setFaults(spec: FaultSpec): void;
  faults(): FaultSpec;
}

/** /__admin/*: no auth, JSON, never counted, never faulted (tests and dashboards read it). */
export async function handleAdmin(actions: AdminActions, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const route = `${req.method} ${path}`;
  switch (route) {
    case 'GET /__admin/stats':
      return sendJson(res, 200, actions.stats());
    case 'POST /__admin/reset-stats':
      actions.resetStats();
      return sendJson(res, 200, { ok: true });
    case 'POST /__admin/kick':
      return sendJson(res, 200, { ok: true, kicked: actions.kick() });
    case 'GET /__admin/faults':
      return sendJson(res, 200, { faults: formatFaults(actions.faults()) });
    case 'POST /__admin/faults': {
      const body = (await readText(req)).trim();
      try {
        // A JSON object or the same spec string as --faults.
        const spec = normalizeFaults(body.startsWith('{') ? (JSON.parse(body) as FaultSpec) : body);
        actions.setFaults(spec);
        return sendJson(res, 200, { ok: true, faults: formatFaults(spec) });
      } catch (error) {
        const message = error instanceof FleetPdfError || error instanceof SyntaxError ? error.message : String(error);
        return sendJson(res, 400, { ok: false, error: message });
      }
    }
    default:
      return sendJson(res, 404, { ok: false, error: `no admin route ${route}` });
  }
}
