import { GetEventSourceMappingCommand, UpdateEventSourceMappingCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { awsErrorName, retryDelayMs, sleep } from './aws-errors.js';
import { DEFAULT_SWITCH_BASE_DELAY_MS, DEFAULT_SWITCH_MAX_TRIES } from './constants.js';
import type { LambdaEventSourceSwitchOptions } from './types.js';

/**
 * Turns the downloader's SQS event source mapping off and on: the cloud circuit breaker's
 * "stop taking new work". While it is off Lambda stops polling the queue, so no message is
 * received (and no receive is counted towards the DLQ) until the run resumes.
 */
export class LambdaEventSourceSwitch {
  readonly mappingId: string;
  readonly #lambda: LambdaClient;
  readonly #maxTries: number;
  readonly #baseDelayMs: number;

  constructor(options: LambdaEventSourceSwitchOptions) {
    this.mappingId = options.mappingId;
    this.#lambda = options.client;
    this.#maxTries = Math.max(1, options.maxTries ?? DEFAULT_SWITCH_MAX_TRIES);
    this.#baseDelayMs = options.baseDelayMs ?? DEFAULT_SWITCH_BASE_DELAY_MS;
  }

  /** Is the mapping polling (or about to)? */
  async isEnabled(): Promise<boolean> {
    const out = await this.#lambda.send(new GetEventSourceMappingCommand({ UUID: this.mappingId }));
    return out.State === 'Enabled' || out.State === 'Enabling';
  }

  /** Set the mapping's `Enabled`; a no-op when it already is (or is becoming) so. */
  async setEnabled(enabled: boolean): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        if ((await this.isEnabled()) === enabled) return;
        await this.#lambda.send(new UpdateEventSourceMappingCommand({ UUID: this.mappingId, Enabled: enabled }));
        return;
      } catch (error) {
        // The mapping refuses updates while it is still changing state from the last one.
        if (awsErrorName(error) !== 'ResourceInUseException' || attempt >= this.#maxTries) throw error;
        await sleep(retryDelayMs(this.#baseDelayMs, attempt));
      }
    }
  }
}
