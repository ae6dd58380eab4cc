export { CircuitBreaker } from './circuit-breaker.js';
export type { BreakerObservation, CircuitBreakerOptions } from './circuit-breaker.js';
export { PauseGate } from './pause-gate.js';
export type { Admission, PauseGateOptions } from './pause-gate.js';
