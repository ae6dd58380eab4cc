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
 * Plain JavaScript every worker thread runs before pdf.js loads. pdf.js's display layer
 * constructs a DOMMatrix at load (a constant of its canvas patterns); Node has none, and pdf.js
 * borrows one from @napi-rs/canvas, an optional dependency the Lambda bundles do not ship:
 * without it the import fails. Reading text never renders, so a constructible matrix will do.
 */
const DOM_MATRIX_STAND_IN =
  'globalThis.DOMMatrix ??= class DOMMatrix { constructor(m) { [this.a, this.b, this.c, this.d, this.e, this.f] = m?.length === 6 ? Array.from(m) : [1, 0, 0, 1, 0, 0]; } };';

/**
 * Starts a verification worker thread for the runtime this module runs in: a small plain-JS
 * bootstrap (the DOMMatrix stand-in above), then the entry, the sibling `pdf-worker` file in
 * this module's own form:
 * - `.mjs`: a Lambda bundle (esbuild's `index.mjs`); CDK's afterBundling hook writes
 *   `pdf-worker.mjs` beside it (lib/infra/worker-function.ts).
 * - `.js`: compiled by tsc (`npm run build`).
 * - `.ts`: the sources, under tsx (bin/fleetpdf.js) or vitest (vite transforms the test's
 *   imports, not a worker's). A worker thread inherits neither, so the bootstrap registers tsx
 *   before importing the TypeScript entry. pdf.js is plain JavaScript and is loaded first,
 *   before tsx: tsx would transform its 3 MB again in every thread (about 350 MB and 0.8 s).
 */
export function startWorker(options: WorkerOptions, moduleUrl: string = import.meta.url): Worker {
  const extension = /\.(m?js|ts)$/.exec(new URL(moduleUrl).pathname)?.[1] ?? 'js';
  const entry = new URL(`./${WORKER_ENTRY}.${extension}`, moduleUrl);
  const bootstrap = [DOM_MATRIX_STAND_IN];
  if (extension === 'ts') {
    const require = createRequire(moduleUrl);
    for (const module of PDFJS_MODULES) bootstrap.push(`await import(${JSON.stringify(pathToFileURL(require.resolve(module)).href)});`);
    bootstrap.push(`const tsx = await import(${JSON.stringify(tsxEsmApi(require))});`, 'tsx.register();');
  }
  bootstrap.push(`await import(${JSON.stringify(entry.href)});`);
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap.join('\n'))}`), options);
}

/** URL of tsx's ESM API (`tsx/esm/api`, its `import` condition; require.resolve would give the CommonJS one). */
function tsxEsmApi(require: NodeJS.Require): string {
  const manifestPath = require.resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: Record<string, { import?: { default?: string } }> };
  const file = manifest.exports?.['./esm/api']?.import?.default;
  if (!file) throw new Error(`cannot find tsx's ESM API in ${manifestPath}`);
  return pathToFileURL(join(dirname(manifestPath), file)).href;
}
