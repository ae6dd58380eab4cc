import type { CloudSettingValues } from './resolve.js';

/** Seconds the downloader Lambda has beyond one vehicle attempt: a cold Chromium start, the message's bookkeeping. */
export const DOWNLOADER_TIMEOUT_MARGIN_SECS = 60;

/** The cloud's time budgets that follow from the settings (the stack and the handlers derive them alike). */
export interface CloudTimings {
  /** Timeout of one downloader invocation. */
  downloaderTimeoutSecs: number;
  /** The vehicle queue's visibility timeout: 6 x the downloader timeout, as AWS advises for an SQS event source. */
  visibilityTimeoutSecs: number;
  /**
   * Progress polls in a row without a finished vehicle (while work is left) before a run
   * counts as stalled: a crashed downloader's message only comes back after the visibility
   * timeout, so a quarter more than that.
   */
  stallPolls: number;
}

export function cloudTimings(settings: Pick<CloudSettingValues, 'vehicleTimeoutSecs' | 'pollIntervalSecs'>): CloudTimings {
  const downloaderTimeoutSecs = settings.vehicleTimeoutSecs + DOWNLOADER_TIMEOUT_MARGIN_SECS;
  const visibilityTimeoutSecs = 6 * downloaderTimeoutSecs;
  return {
    downloaderTimeoutSecs,
    visibilityTimeoutSecs,
    stallPolls: Math.ceil((1.25 * visibilityTimeoutSecs) / settings.pollIntervalSecs),
  };
}
