import cliProgress from 'cli-progress';
import type { LocalSnapshot } from '../local/local-job.js';
import { compactDuration } from '../core/report/format.js';
import type { Output } from './output.js';

export type ProgressSnapshot = LocalSnapshot;

export interface ProgressOptions {
  output: Output;
  /** Seconds between plain lines when not on a TTY. @default 5 */
  intervalSecs?: number;
  /** Take a fresh snapshot. */
  snapshot: () => Promise<ProgressSnapshot>;
}

/**
 * A live bar on a TTY, a plain line every few seconds elsewhere (logs, CI).
 * Rate and ETA come from the last minute, so a slow start does not skew them.
 */
export class ProgressReporter {
  readonly #options: ProgressOptions;
  readonly #history: { at: number; finished: number }[] = [];
  #bars?: cliProgress.MultiBar;
  #bar?: cliProgress.SingleBar;
  #timer?: NodeJS.Timeout;
  #ticking = false;

  constructor(options: ProgressOptions) {
    this.#options = options;
  }

  start(): void {
    const { output } = this.#options;
    if (output.isTTY) {
      this.#bars = new cliProgress.MultiBar(
        {
          format: ' {bar} {percentage}% | {value}/{total} | failed {failed} | retries {retries} | {rate}/h | ETA {eta_h}',
          barCompleteChar: '#',
          barIncompleteChar: '-',
          hideCursor: true,
          stream: output.writable,
          clearOnComplete: false,
          barsize: 24,
        },
        cliProgress.Presets.legacy,
      );
      // Log lines go above the bar instead of through it.
      output.intercept((line) => this.#bars?.log(`${line}\n`));
    }
    const everyMs = output.isTTY ? 500 : (this.#options.intervalSecs ?? 5) * 1000;
    this.#timer = setInterval(() => void this.tick(), everyMs);
    this.#timer.unref();
  }

  async tick(final = false): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      const snap = await this.#options.snapshot();
      const finished = snap.done + snap.failed + snap.skipped;
      const now = Date.now();
      this.#history.push({ at: now, finished });
      while (this.#history.length > 2 && now - this.#history[0]!.at > 60_000) this.#history.shift();
      const first = this.#history[0]!;
      const perSec = now > first.at ? (finished - first.finished) / ((now - first.at) / 1000) : 0;
      const left = snap.total - finished;
      const eta = perSec > 0 ? compactDuration(left / perSec) : '-';
      const rate = Math.round(perSec * 3600);
      if (this.#bars) {
        this.#bar ??= this.#bars.create(snap.total, 0, { failed: 0, retries: 0, rate: 0, eta_h: '-' });
        this.#bar.setTotal(snap.total);
        this.#bar.update(finished, { failed: snap.failed, retries: snap.retries, rate, eta_h: eta });
      } else if (!final) {
        this.#options.output.line(
          `progress: ${finished}/${snap.total} finished (${snap.done} done, ${snap.failed} failed, ${snap.skipped} skipped), ` +
            `${snap.inFlight} in flight, ${snap.retries} retries, ${rate}/h, eta ${eta}`,
        );
      }
    } finally {
      this.#ticking = false;
    }
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.tick(true);
    this.#bars?.stop();
    this.#bars = undefined;
    this.#options.output.intercept(undefined);
  }
}
