/**
 * A verification worker thread: reads one document at a time with pdf.js under the decoded-bytes
 * meter, and answers with what the page text says about whose document it is. Started by
 * WorkerPool (see worker-launch.ts for how, in each runtime); one document at a time because the
 * meter counts per thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
// Imported statically and handed to pdf.js, so its "fake worker" (pdf.js in this thread) never
// import()s the file by path: a dynamic import by path breaks in a bundle.
import * as pdfjsWorker from 'pdfjs-dist/legacy/build/pdf.worker.mjs';
import { MAX_QUOTED_REF_CHARS, MAX_REPORTED_OTHERS, QUOTED_TEXT_CHARS } from './constants.js';
import { DecodedBytesMeter } from './decoded-bytes-meter.js';
import { matchIdentity } from './identity.js';
import { oneLine } from './one-line.js';
import { readPageText } from './pdf-page-text.js';
import type { VerifyJob, VerifyReply, WorkerReady, WorkerSetup } from './types.js';

(globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = pdfjsWorker;
const setup = workerData as WorkerSetup;
const meter = new DecodedBytesMeter();
// After pdf.js has loaded: its polyfills probe the natives at load time and must see them as they are.
meter.install();

async function answer(job: VerifyJob): Promise<VerifyReply> {
  const result = await readPageText(pdfjs, job.body, setup.caps, meter);
  if (result.kind !== 'read') return { id: job.id, ...result };
  const identity = matchIdentity(result.text, job.vehicle);
  return {
    id: job.id,
    kind: 'read',
    findings: {
      pages: result.pages,
      identity: {
        matched: identity.matched,
        otherRefs: identity.otherRefs.slice(0, MAX_REPORTED_OTHERS).map(shorten),
        otherVins: identity.otherVins.slice(0, MAX_REPORTED_OTHERS),
      },
      otherRefCount: identity.otherRefs.length,
      otherVinCount: identity.otherVins.length,
      textStart: oneLine(result.text.trimStart().slice(0, 4 * QUOTED_TEXT_CHARS), QUOTED_TEXT_CHARS),
    },
  };
}

/** A "ref" can be a run of thousands of characters: a message quotes its start. */
function shorten(ref: string): string {
  return ref.length > MAX_QUOTED_REF_CHARS ? `${ref.slice(0, MAX_QUOTED_REF_CHARS - 3)}...` : ref;
}

parentPort!.on('message', (job: VerifyJob) => {
  answer(job).then(
    (reply) => parentPort!.postMessage(reply),
    (error: unknown) => parentPort!.postMessage({ id: job.id, kind: 'corrupt', message: String((error as Error)?.message ?? error) } satisfies VerifyReply),
  );
});
parentPort!.postMessage({ kind: 'ready' } satisfies WorkerReady);
