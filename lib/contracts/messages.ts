import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** A run id: what the console, the CLI and the S3 layout all accept. */
export const RunIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'runId: letters, digits, ".", "_" and "-" only, at most 64');

/** A run id like the local ones, but unique without a shared counter: `2026-11-23-a1b2c3`. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`;
}

/** One SQS message: one vehicle of one run. */
export const VehicleMessageSchema = z.object({
  runId: z.string().min(1).max(100),
  /** The portal's exact ref (never trimmed). */
  ref: z.string().min(1).max(200),
  /** The document's file name as tracked (lib/core/file-name.ts); the downloader prefers the tracking row's. */
  file: z.string().min(1).max(200).optional(),
  vin: z.string().max(17).optional(),
  /**
   * Throttled retries this vehicle already had that were not counted as attempts (the
   * attempt engine's free throttles). SQS's receive count cannot tell them apart, so a
   * throttled vehicle is sent again with this number one higher.
   */
  throttles: z.number().int().min(0).max(1000).optional(),
  /** Ended sessions this vehicle had that were not counted as attempts (the same reason). */
  relogins: z.number().int().min(0).max(1000).optional(),
});
export type VehicleMessage = z.infer<typeof VehicleMessageSchema>;
