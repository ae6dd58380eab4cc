export { backoffMs } from './backoff.js';
export { breakerSignal, decideAttempt } from './decide-attempt.js';
export { attemptPolicy } from './policy.js';
export type {
  AttemptEffects,
  AttemptInput,
  AttemptPolicy,
  BreakerSignal,
  FailureRecord,
  LimitSignal,
  QueueAction,
  VehicleHistory,
} from './types.js';
