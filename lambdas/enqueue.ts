import { enqueueHandler } from '../lib/cloud/handlers/enqueue.js';
import { createCloudRuntime } from '../lib/cloud/runtime.js';

/** Enqueue: the container's runtime, made once from the stack's environment. */
export const handler = enqueueHandler(createCloudRuntime(process.env));
