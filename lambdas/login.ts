import { loginHandler } from '../lib/cloud/handlers/login.js';
import { createCloudRuntime } from '../lib/cloud/runtime.js';

/** Login (and Resume): the container's runtime, made once from the stack's environment. */
export const handler = loginHandler(createCloudRuntime(process.env));
