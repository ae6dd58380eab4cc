/** Process exit codes, documented in the README. */
export const ExitCode = {
  /** Every vehicle DONE (or SKIPPED with a reason). */
  OK: 0,
  /** The run finished but some vehicles are FAILED (see report.json failures). */
  VEHICLES_FAILED: 1,
  /** `fleetpdf check`: a step failed (its line says which and what to try). */
  CHECK_FAILED: 1,
  /** Bad input: options, CSV, database, credentials missing. Nothing was lost. */
  BAD_INPUT: 2,
  /** The run stopped before the end (wrong credentials, portal down); run again to resume. */
  STOPPED: 3,
  /** Interrupted by Ctrl-C / SIGTERM; run again to resume. */
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
