import { reportHandler } from '../lib/cloud/handlers/report.js';
import { createCloudRuntime } from '../lib/cloud/runtime.js';

/** Report: the container's runtime, made once from the stack's environment. */
export const handler = reportHandler(createCloudRuntime(process.env));
