/**
 * What a WorkQueue's watchdog (`reclaimExpired`) records on a ref whose lease it took back:
 * one definition, so every adapter's rows and the report's failure groups say the same.
 */
export const LEASE_EXPIRED_ERROR = 'lease expired (watchdog)';
export const LEASE_EXPIRED_REASON = 'lease_expired';
