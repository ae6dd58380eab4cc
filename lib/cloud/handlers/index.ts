import type { CloudRuntime } from '../runtime.js';
import { downloaderHandler } from './downloader.js';
import { enqueueHandler } from './enqueue.js';
import { loginHandler } from './login.js';
import { progressHandler } from './progress.js';
import { reportHandler } from './report.js';

export { downloaderHandler, handleVehicleRecord } from './downloader.js';
export { enqueueHandler } from './enqueue.js';
export { loginHandler } from './login.js';
export { progressHandler } from './progress.js';
export { reportHandler, writeCloudReport } from './report.js';
export { parseRunInput } from './run-input.js';

/** The five handlers of one runtime (the offline run binds them to the state machine's Tasks). */
export function cloudHandlers(rt: CloudRuntime) {
  return {
    login: loginHandler(rt),
    enqueue: enqueueHandler(rt),
    downloader: downloaderHandler(rt),
    progress: progressHandler(rt),
    report: reportHandler(rt),
  };
}
export type CloudHandlers = ReturnType<typeof cloudHandlers>;
