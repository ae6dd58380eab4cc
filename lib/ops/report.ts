import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { formatSummary } from '../core/report/summary.js';
import type { RunReport } from '../core/report/types.js';
import { S3Keys } from '../contracts/index.js';
import type { OpsContext } from './context.js';
import { writeFileAtomic } from '../system/atomic-file.js';

/** The fields formatSummary reads; the rest of report.json passes through untouched. */
const SummarisableReport = z.looseObject({
  runId: z.string(),
  profile: z.string(),
  status: z.string(),
  total_inventory: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  skipped: z.number(),
  pending: z.array(z.string()),
  success_rate: z.number(),
  runtime_seconds: z.number(),
  throughput_per_hour: z.number(),
  wall_seconds_per_finished_vehicle: z.number(),
  workers: z.number(),
  p50_seconds: z.number(),
  p95_seconds: z.number(),
  retries: z.number(),
  session_refreshes: z.number(),
  browser_restarts: z.number(),
  wrong_documents_rejected: z.number(),
  duplicates: z.number(),
  peak_rss_mb: z.number(),
  failures: z.array(z.looseObject({ reason: z.string() })),
  skipped_refs: z.array(z.looseObject({ reason: z.string() })),
  output: z.string(),
});

export interface FetchedReport {
  runId: string;
  report: RunReport;
  /** The report as stored (printed as is by --json). */
  json: string;
  /** Local copies. */
  jsonPath: string;
  htmlPath?: string;
}

/**
 * A run's report.json (and report.html when the run has one) from S3, saved into `dir`.
 * Undefined when the run has no report (yet): the caller says why.
 */
export async function fetchReport(ctx: OpsContext, runId: string, dir: string): Promise<FetchedReport | undefined> {
  const [jsonObject, htmlObject] = await Promise.all([
    ctx.documents.getObject(S3Keys.report(runId)),
    ctx.documents.getObject(S3Keys.reportHtml(runId)),
  ]);
  if (!jsonObject) return undefined;
  const json = jsonObject.body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new InputError(`${S3Keys.report(runId)} is not JSON`);
  }
  const checked = SummarisableReport.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new InputError(`${S3Keys.report(runId)} is not a fleetpdf report (${issue.path.join('.') || 'document'}: ${issue.message})`);
  }
  const folder = resolve(dir);
  await mkdir(folder, { recursive: true });
  const fetched: FetchedReport = { runId, report: checked.data as unknown as RunReport, json, jsonPath: join(folder, 'report.json') };
  await writeFileAtomic(fetched.jsonPath, jsonObject.body);
  if (htmlObject) {
    fetched.htmlPath = join(folder, 'report.html');
    await writeFileAtomic(fetched.htmlPath, htmlObject.body);
  }
  return fetched;
}

/** The summary lines of `fleetpdf run`'s end, for a cloud report. */
export function summaryLines(report: RunReport): string[] {
  return formatSummary(report).split('\n');
}

/**
 * Open a file in the desktop's browser: $BROWSER when set, else xdg-open / open / start.
 * Resolves to an error line when nothing could be started (a server without a desktop).
 */
export function openInBrowser(path: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const [command, args] =
    env.BROWSER ? [env.BROWSER, [path]]
    : process.platform === 'darwin' ? ['open', [path]]
    : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', path]]
    : ['xdg-open', [path]];
  return new Promise((done) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', (error: NodeJS.ErrnoException) => done(`could not start ${command} (${error.code ?? error.message}): open ${path} yourself`));
    child.once('spawn', () => {
      child.unref();
      done(undefined);
    });
  });
}
