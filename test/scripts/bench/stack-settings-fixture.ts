import type { StackSettings } from '../../../scripts/bench/cloud-model.js';

/** The stack's shape as it deploys today (the bench reads the real values from a synth). */
export const DEPLOYED_STACK: StackSettings = Object.freeze({
  downloader: { memoryMb: 2048, ephemeralMb: 1024, timeoutSecs: 120, batchSize: 1, maxConcurrency: 10 },
  login: { memoryMb: 2048, ephemeralMb: 1024 },
  enqueue: { memoryMb: 2048, ephemeralMb: 1024 },
  progress: { memoryMb: 256, ephemeralMb: 512 },
  report: { memoryMb: 1024, ephemeralMb: 512 },
  pollIntervalSecs: 30,
  registerConcurrency: 16,
  sendConcurrency: 8,
});
