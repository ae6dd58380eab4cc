/** The Lambda functions of the stack; also the keys the offline state machine run binds. */
export const FunctionName = {
  LOGIN: 'Login',
  ENQUEUE: 'Enqueue',
  DOWNLOADER: 'Downloader',
  PROGRESS: 'Progress',
  REPORT: 'Report',
} as const;
export type FunctionName = (typeof FunctionName)[keyof typeof FunctionName];

/** Handler entry files, relative to the repository root (CDK bundles them with esbuild). */
export const HandlerEntry: Record<FunctionName, string> = {
  Login: 'lambdas/login.ts',
  Enqueue: 'lambdas/enqueue.ts',
  Downloader: 'lambdas/downloader.ts',
  Progress: 'lambdas/progress.ts',
  Report: 'lambdas/report.ts',
};
