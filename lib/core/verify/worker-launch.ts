import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The pdf.js modules the worker entry imports (it gets them from the module cache). */
const PDFJS_MODULES = ['pdfjs-dist/legacy/build/pdf.mjs', 'pdfjs-dist/legacy/build/pdf.worker.mjs'] as const;

/** File name (without extension) of the worker entry, beside this module in every form the code ships in. */
export const WORKER_ENTRY = 'pdf-worker';

/**
 * Starts a verification worker thread for the runtime this module runs in. The entry is the
 * sibling `pdf-worker` file in this module's own form:
 * - `.mjs`: a Lambda bundle (esbuild's `index.mjs`); CDK's afterBundling hook writes
 *   `pdf-worker.mjs` beside it (lib/infra/worker-function.ts).
 * - `.js`: compiled by tsc (`npm run build`).
 * - `.ts`: the sources, under tsx (bin/fleetpdf.js) or vitest (vite transforms the test's
 *   imports, not a worker's). A worker thread inherits neither, so it registers tsx itself
 *   before importing the TypeScript entry. pdf.js is plain JavaScript and is loaded first,
 *   before tsx: tsx would transform its 3 MB again in every thread (about 350 MB and 0.8 s).
 */
export function startWorker(options: WorkerOptions, moduleUrl: string = import.meta.url): Worker {
  const extension = /\.(m?js|ts)$/.exec(new URL(moduleUrl).pathname)?.[1] ?? 'js';
  const entry = new URL(`./${WORKER_ENTRY}.${extension}`, moduleUrl);
  if (extension !== 'ts') return new Worker(entry, options);
  const require = createRequire(moduleUrl);
  const preload = PDFJS_MODULES.map((m) => `await import(${JSON.stringify(pathToFileURL(require.resolve(m)).href)});`);
  const bootstrap = [
    ...preload,
    `const tsx = await import(${JSON.stringify(tsxEsmApi(require))});`,
    'tsx.register();',
    `await import(${JSON.stringify(entry.href)});`,
  ].join('\n');
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), options);
}

/** URL of tsx's ESM API (`tsx/esm/api`, its `import` condition; require.resolve would give the CommonJS one). */
function tsxEsmApi(require: NodeJS.Require): string {
  const manifestPath = require.resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: Record<string, { import?: { default?: string } }> };
  const file = manifest.exports?.['./esm/api']?.import?.default;
  if (!file) throw new Error(`cannot find tsx's ESM API in ${manifestPath}`);
  return pathToFileURL(join(dirname(manifestPath), file)).href;
}
