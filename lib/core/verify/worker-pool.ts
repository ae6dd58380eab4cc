import type { Worker } from 'node:worker_threads';
import type { CapExceeded, VerifyJob, VerifyReply, WorkerReady, WorkerSetup } from './types.js';
import { startWorker } from './worker-launch.js';

export interface WorkerPoolOptions {
  /** Worker threads at most, started on demand. */
  threads: number;
  /** Budget of one document in its thread, ms; past it the thread is terminated. */
  timeoutMs: number;
  /** V8 old-generation heap of each thread, MB. */
  maxHeapMb: number;
  setup: WorkerSetup;
}

/** A job's outcome: the thread's reply, or the cap the pool itself enforced (time, heap). */
export type PoolResult = VerifyReply | { id: number; kind: 'too_large'; exceeded: CapExceeded };

interface Pending {
  job: VerifyJob;
  resolve: (result: PoolResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  current?: Pending;
  timer?: NodeJS.Timeout;
}

/**
 * Worker threads that verify one document each at a time, first come first served. A thread
 * that runs out of time or heap is terminated and replaced on demand; idle threads do not keep
 * the process alive (a forgotten close() never hangs an exit).
 */
export class WorkerPool {
  readonly #options: WorkerPoolOptions;
  readonly #slots = new Set<Slot>();
  readonly #queue: Pending[] = [];
  #nextId = 1;
  #closed = false;

  constructor(options: WorkerPoolOptions) {
    this.#options = options;
  }

  /** Threads running now (started and not ended). */
  get threads(): number {
    return this.#slots.size;
  }

  run(body: Uint8Array, vehicle: VerifyJob['vehicle']): Promise<PoolResult> {
    if (this.#closed) return Promise.reject(new Error('the PDF verifier is closed'));
    return new Promise<PoolResult>((resolve, reject) => {
      this.#queue.push({ job: { id: this.#nextId++, body, vehicle }, resolve, reject });
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const pending of this.#queue.splice(0)) pending.reject(new Error('the PDF verifier was closed'));
    const slots = [...this.#slots];
    this.#slots.clear();
    await Promise.all(
      slots.map(async (slot) => {
        clearTimeout(slot.timer);
        slot.current?.reject(new Error('the PDF verifier was closed'));
        slot.current = undefined;
        await slot.worker.terminate();
      }),
    );
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return;
      if (slot.ready && !slot.current) this.#assign(slot, this.#queue.shift()!);
    }
    let starting = [...this.#slots].filter((s) => !s.ready).length;
    while (this.#queue.length > starting && this.#slots.size < this.#options.threads) {
      this.#spawn();
      starting += 1;
    }
  }

  #assign(slot: Slot, pending: Pending): void {
    slot.current = pending;
    slot.worker.ref();
    slot.timer = setTimeout(() => {
      const limit = this.#options.timeoutMs;
      this.#retire(slot, () => ({ id: pending.job.id, kind: 'too_large', exceeded: { cap: 'timeoutMs', size: limit, limit } }));
    }, this.#options.timeoutMs);
    // A copy on a buffer of its own, moved to the thread: the caller's Buffer (the document that
    // gets stored, perhaps a slice of Node's shared pool) stays intact.
    const body = new Uint8Array(pending.job.body.length);
    body.set(pending.job.body);
    slot.worker.postMessage({ ...pending.job, body }, [body.buffer]);
  }

  #spawn(): void {
    const worker = startWorker({
      workerData: this.#options.setup,
      resourceLimits: { maxOldGenerationSizeMb: this.#options.maxHeapMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      // pdf.js's decoders (and its deprecation notices) print with console.log: on our stdout it
      // would mix into `fleetpdf run --json`. Its warnings go to stderr, left as it is.
      stdout: true,
      execArgv: [],
    });
    worker.stdout.resume();
    const slot: Slot = { worker, ready: false };
    this.#slots.add(slot);
    // Loading pdf.js takes a fraction of a second (seconds under a cold tsx); a thread that never gets there is broken.
    slot.timer = setTimeout(() => this.#retire(slot, undefined, new Error(`the PDF verification worker did not start within ${STARTUP_TIMEOUT_MS} ms`)), STARTUP_TIMEOUT_MS);
    slot.timer.unref();
    worker.on('message', (message: PoolResult | WorkerReady) => {
      if (message.kind === 'ready') {
        clearTimeout(slot.timer);
        slot.ready = true;
        worker.unref();
        this.#dispatch();
        return;
      }
      const pending = slot.current;
      if (!pending || pending.job.id !== message.id) return;
      clearTimeout(slot.timer);
      slot.current = undefined;
      worker.unref();
      pending.resolve(message);
      this.#dispatch();
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        const limit = this.#options.maxHeapMb;
        this.#retire(slot, (p) => ({ id: p.job.id, kind: 'too_large', exceeded: { cap: 'maxHeapMb', size: limit, limit } }));
      } else {
        this.#retire(slot, undefined, new Error(`the PDF verification worker failed: ${error.message}`));
      }
    });
    worker.on('exit', (code) => {
      if (this.#slots.has(slot)) this.#retire(slot, undefined, new Error(`the PDF verification worker exited (code ${code})`));
    });
  }

  /**
   * End a thread: its document gets `result` (a cap it went over) or `error`. A thread that
   * failed before it was ever ready takes the queue with it: the next one would fail alike.
   */
  #retire(slot: Slot, result?: (pending: Pending) => PoolResult, error?: Error): void {
    if (!this.#slots.delete(slot)) return;
    clearTimeout(slot.timer);
    const pending = slot.current;
    slot.current = undefined;
    void slot.worker.terminate();
    if (pending) {
      if (result) pending.resolve(result(pending));
      else pending.reject(error ?? new Error('the PDF verification worker ended'));
    } else if (!slot.ready && error) {
      for (const queued of this.#queue.splice(0)) queued.reject(error);
    }
    if (!this.#closed) this.#dispatch();
  }
}

/** How long a new thread may take to load pdf.js and say it is ready, ms. */
const STARTUP_TIMEOUT_MS = 60_000;

/** V8 young generation of a thread, MB: pdf.js makes many short-lived objects; the default suits it. */
const YOUNG_GENERATION_MB = 32;
