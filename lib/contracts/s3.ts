/** S3 layout of a run: `runs/<runId>/pdfs/<file name>.pdf`, the reports beside them. */
export const S3Keys = {
  pdf: (runId: string, ref: string) => `runs/${runId}/pdfs/${ref}.pdf`,
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
