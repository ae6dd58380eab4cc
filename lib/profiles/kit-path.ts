import { fileURLToPath } from 'node:url';

/** lib/profiles/kit.ts: what `import ... from 'fleetpdf'` means in a user's profile file. */
export const KIT_ENTRY = fileURLToPath(new URL('./kit.ts', import.meta.url));
