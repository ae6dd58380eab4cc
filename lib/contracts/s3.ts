/** S3 layout of a run: `runs/<runId>/pdfs/<file name>.pdf`, the reports beside them. */
export const S3Keys = {
  /** `file` is the document's file name, `.pdf` included (lib/core/file-name.ts). */
  pdf: (runId: string, file: string) => `runs/${runId}/pdfs/${file}`,
  pdfPrefix: (runId: string) => `runs/${runId}/pdfs/`,
  report: (runId: string) => `runs/${runId}/report.json`,
  manifest: (runId: string) => `runs/${runId}/manifest.csv`,
  reportHtml: (runId: string) => `runs/${runId}/report.html`,
  inventory: (runId: string) => `runs/${runId}/inventory.csv`,
  runPrefix: (runId: string) => `runs/${runId}/`,
} as const;

/** Content type of a stored PDF. */
export const PDF_CONTENT_TYPE = 'application/pdf';

/** S3 user metadata key of a stored PDF's sha256 (hex); S3 returns it as `x-amz-meta-sha256`. */
export const SHA256_METADATA_KEY = 'sha256';

/**
 * S3 user metadata key of a stored PDF's exact ref (`x-amz-meta-ref`). Metadata travels as
 * HTTP headers, which carry ASCII only and lose surrounding spaces, so the value is
 * encodeRefMetadata(ref): the ref percent-encoded as encodeURIComponent does.
 */
export const REF_METADATA_KEY = 'ref';
export const encodeRefMetadata = (ref: string): string => encodeURIComponent(ref);
export const decodeRefMetadata = (value: string): string => decodeURIComponent(value);
