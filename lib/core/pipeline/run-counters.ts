/** Per-worker tallies for the report. */
export interface WorkerTally {
  worker: string;
  succeeded: number;
  failed: number;
  retries: number;
  busy_seconds: number;
}

/** What a run counts while it goes; the report adds what the tracking rows say. */
export class RunCounters {
  retries = 0;
  sessionRefreshes = 0;
  browserRestarts = 0;
  pagesRecycled = 0;
  wrongDocumentsRejected = 0;
  invalidDocumentsRejected = 0;
  duplicates = 0;
  peakRssMb = 0;
  readonly #workers = new Map<string, WorkerTally>();

  worker(id: string): WorkerTally {
    let tally = this.#workers.get(id);
    if (!tally) {
      tally = { worker: id, succeeded: 0, failed: 0, retries: 0, busy_seconds: 0 };
      this.#workers.set(id, tally);
    }
    return tally;
  }

  perWorker(): WorkerTally[] {
    return [...this.#workers.values()]
      .map((w) => ({ ...w, busy_seconds: Math.round(w.busy_seconds * 10) / 10 }))
      .sort((a, b) => a.worker.localeCompare(b.worker, 'en', { numeric: true }));
  }
}
