import { progressHandler } from '../lib/cloud/handlers/progress.js';
import { createCloudRuntime } from '../lib/cloud/runtime.js';

/** Progress: the container's runtime, made once from the stack's environment. */
export const handler = progressHandler(createCloudRuntime(process.env));
