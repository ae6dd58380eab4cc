import { downloaderHandler } from '../lib/cloud/handlers/downloader.js';
import { createCloudRuntime } from '../lib/cloud/runtime.js';

/** Downloader: the container's runtime (clients, browser, session), made once from the stack's environment. */
export const handler = downloaderHandler(createCloudRuntime(process.env));
