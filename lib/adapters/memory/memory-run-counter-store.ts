import { COUNTER_NAMES, type CounterValues, type RunCounterStore } from '../../core/ports.js';

/** A run's counters in this process (a local run: every worker is in it). */
export class MemoryRunCounterStore implements RunCounterStore {
  readonly #runs = new Map<string, CounterValues>();

  async add(runId: string, deltas: Partial<CounterValues>): Promise<void> {
    const values = this.#values(runId);
    for (const name of COUNTER_NAMES) {
      const by = deltas[name];
      if (by !== undefined && Number.isFinite(by)) values[name] += by;
    }
  }

  async get(runId: string): Promise<CounterValues> {
    return { ...this.#values(runId) };
  }

  #values(runId: string): CounterValues {
    let values = this.#runs.get(runId);
    if (!values) {
      values = Object.fromEntries(COUNTER_NAMES.map((name) => [name, 0])) as CounterValues;
      this.#runs.set(runId, values);
    }
    return values;
  }
}
