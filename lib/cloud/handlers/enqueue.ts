import { S3Keys, type RunState } from '../../contracts/index.js';
import { loadInventory } from '../../core/pipeline/load-inventory.js';
import { spreadsheetSafeCopy } from '../../core/csv.js';
import { VehicleStatus } from '../../core/types.js';
import type { CloudRuntime } from '../runtime.js';

/**
 * Export the inventory with the run's session, track every ref (PENDING, or SKIPPED with the
 * reason), and queue the refs of this run that are not DONE yet. Only counts go back to the
 * state machine, so 20,000 refs never meet the 256 KB state limit; a retried Enqueue only
 * re-queues refs that are still not DONE, and the downloader skips DONE ones anyway.
 */
export function enqueueHandler(rt: CloudRuntime): (state: RunState) => Promise<RunState> {
  return async (state) => {
    const { aws, session, pool, settings, ctx } = rt;
    const inventory = await loadInventory({
      profile: settings.portalProfile,
      session,
      ctx,
      page: (current) => pool.page('enqueue', current),
      afterAttempt: () => pool.recycle('enqueue'),
      refs: state.refs,
      limit: state.limit,
    });
    if (inventory.csv !== undefined) await aws.documents.putText(S3Keys.inventory(state.runId), spreadsheetSafeCopy(inventory.csv), 'text/csv');
    await aws.tracker.register(state.runId, inventory.vehicles);
    if (inventory.skipped.length) await aws.tracker.registerSkipped(state.runId, inventory.skipped);
    const rows = await aws.tracker.list(state.runId);
    const open = rows.filter((r) => r.status !== VehicleStatus.DONE && r.status !== VehicleStatus.SKIPPED);
    const enqueued = await aws.queue.sendVehicles(
      open.map((r) => ({ runId: state.runId, ref: r.ref, ...(r.file ? { file: r.file } : {}), ...(r.vin ? { vin: r.vin } : {}) })),
    );
    return {
      ...state,
      refs: undefined,
      enqueue: {
        total: rows.length,
        enqueued,
        alreadyDone: rows.filter((r) => r.status === VehicleStatus.DONE).length,
        skipped: rows.filter((r) => r.status === VehicleStatus.SKIPPED).length,
        ...(inventory.selection ? { selection: inventory.selection } : {}),
      },
    };
  };
}
