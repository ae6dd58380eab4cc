import { VehicleFailedError } from '../errors.js';

const MB = 1024 * 1024;

/** The default of `--max-pdf-mb`, in bytes, for callers that set no limit. */
export const DEFAULT_MAX_PDF_BYTES = 64 * MB;

/** "200 MB" for a size in bytes (whole MB from 10 up, one decimal below). */
export const megabytes = (bytes: number): string => `${bytes >= 10 * MB ? Math.round(bytes / MB) : (bytes / MB).toFixed(1)} MB`;

/**
 * A document over the size limit: the same vehicle failure on both paths, never retried (the
 * portal would serve the same file again), with the size when it is known and the limit.
 */
export function tooLarge(where: string, limitBytes: number, sizeBytes?: number): VehicleFailedError {
  const size = sizeBytes === undefined ? 'the PDF is' : `the PDF is ${megabytes(sizeBytes)},`;
  return new VehicleFailedError(`${size} over the ${megabytes(limitBytes)} limit (--max-pdf-mb) on ${where}`, 'too_large');
}

/** A declared `Content-Length` over the limit: refuse before reading a byte. */
export function checkDeclaredSize(contentLength: string | undefined, limitBytes: number, where: string): void {
  const declared = contentLength === undefined ? Number.NaN : Number(contentLength);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(where, limitBytes, declared);
}
