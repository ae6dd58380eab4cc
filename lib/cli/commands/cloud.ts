import type { Command } from 'commander';

/**
 * `fleetpdf cloud start|status|pull|redrive|report`: operating a deployed stack. Only the
 * commander wiring lives here; each action is loaded on use (the AWS SDK stays out of
 * `--help` and of `fleetpdf run`), its logic is in lib/ops/.
 */
export function registerCloudCommands(cli: Command, setExit: (code: number) => void): void {
  const cloud = cli
    .command('cloud')
    .summary('operate a deployed stack: start, status, pull, redrive, report')
    .description('operate the deployed stack: start a run, follow it, pull its PDFs, redrive the DLQ, read its report')
    .addHelpText(
      'after',
      `
Every cloud command finds the stack's resources through its CloudFormation outputs
(--stack, default: $FLEETPDF_STACK, the stackName in ./cdk.json, or FleetPdf) with the
standard AWS credential chain (--profile, --region, or AWS_PROFILE / AWS_REGION).

Examples:
  $ fleetpdf cloud start                          # a new run over the whole inventory
  $ fleetpdf cloud status --watch                 # follow the latest run until it ends
  $ fleetpdf cloud pull --to ./pdfs               # the latest run's verified PDFs
  $ fleetpdf cloud redrive --wait                 # DLQ back to the queue, after fixing the cause
  $ fleetpdf cloud report --open                  # the latest run's summary, report.html in a browser`,
    );

  const action = (load: () => Promise<(opts: Record<string, unknown>) => Promise<number>>) => async (opts: Record<string, unknown>) => {
    const run = await load();
    setExit(await run(opts));
  };

  withAwsOptions(cloud.command('start'))
    .description('start a run: StartExecution of the stack\'s state machine; prints the execution ARN and its console link')
    .option('--refs <file>', 'only these refs: a text file with one reference number per line (# comments allowed)')
    .option('--limit <n>', 'only the first N vehicles of the inventory (or of --refs)')
    .option('--run <id>', 'the run id: a new one by default; an existing one resumes that run (e.g. after a redrive)')
    .option('--json', 'print {runId, executionArn, consoleUrl, ...} as JSON on stdout', false)
    .addHelpText(
      'after',
      `
Examples:
  $ fleetpdf cloud start
  $ fleetpdf cloud start --limit 100 --profile prod --region eu-west-1
  $ fleetpdf cloud start --refs refs.txt --run 2026-11-23-retry
  $ fleetpdf cloud start --run 2026-11-23-a1b2c3   # same run again: only vehicles not DONE are fetched`,
    )
    .action(action(async () => (await import('./cloud/start.js')).cloudStartCommand));

  withAwsOptions(cloud.command('status'))
    .description('where a run stands: counts by status, rate, ETA, queue and DLQ depth')
    .option('--run <id>', 'the run (default: the run of the newest execution)')
    .option('--watch', 'keep following it until its execution ends (a bar on a terminal, plain lines otherwise)', false)
    .option('--interval <secs>', 'seconds between two looks with --watch', '5')
    .option('--json', 'print the status as JSON on stdout', false)
    .addHelpText(
      'after',
      `
Examples:
  $ fleetpdf cloud status
  $ fleetpdf cloud status --run 2026-11-23-a1b2c3 --watch
  $ fleetpdf cloud status --json | jq .counts`,
    )
    .action(action(async () => (await import('./cloud/status.js')).cloudStatusCommand));

  withAwsOptions(cloud.command('pull'))
    .description('download a run\'s PDFs from S3, each checked against its recorded sha256; resumable')
    .option('--run <id>', 'the run (default: the run of the newest execution)')
    .option('--to <dir>', 'destination folder (default: ./output/<runId>)')
    .option('--parallel <n>', 'downloads at once', '8')
    .addHelpText(
      'after',
      `
Files already there with the recorded sha256 are kept; others are downloaded to a temp file,
verified, then renamed into place. report.json, report.html and manifest.csv come along.

Examples:
  $ fleetpdf cloud pull
  $ fleetpdf cloud pull --run 2026-11-23-a1b2c3 --to ./pdfs --parallel 16`,
    )
    .action(action(async () => (await import('./cloud/pull.js')).cloudPullCommand));

  withAwsOptions(cloud.command('redrive'))
    .description('move the DLQ\'s messages back to the vehicle queue (StartMessageMoveTask)')
    .option('--wait', 'follow the move task until it ends', false)
    .option('--interval <secs>', 'seconds between two looks with --wait', '2')
    .addHelpText(
      'after',
      `
Fix what made the vehicles fail first (see fleetpdf cloud report), then redrive, then start
the run again with the same id for a fresh report.

Examples:
  $ fleetpdf cloud redrive
  $ fleetpdf cloud redrive --wait && fleetpdf cloud start --run 2026-11-23-a1b2c3`,
    )
    .action(action(async () => (await import('./cloud/redrive.js')).cloudRedriveCommand));

  withAwsOptions(cloud.command('report'))
    .description('fetch a run\'s report.json (and report.html) from S3 and print its summary')
    .option('--run <id>', 'the run (default: the run of the newest execution)')
    .option('--to <dir>', 'where to save the report files (default: ./output/<runId>)')
    .option('--open', 'open report.html in a browser ($BROWSER, else the desktop\'s opener)', false)
    .option('--json', 'print report.json on stdout', false)
    .addHelpText(
      'after',
      `
Examples:
  $ fleetpdf cloud report
  $ fleetpdf cloud report --run 2026-11-23-a1b2c3 --open
  $ fleetpdf cloud report --json | jq .failures`,
    )
    .action(action(async () => (await import('./cloud/report.js')).cloudReportCommand));
}

/** --stack, --profile, --region: which deployed stack, with which AWS identity, in which region. */
function withAwsOptions(command: Command): Command {
  return command
    .option('--stack <name>', 'CloudFormation stack name (default: $FLEETPDF_STACK, stackName in ./cdk.json, or FleetPdf)')
    .option('--profile <name>', 'AWS profile (not a portal profile; default: the standard credential chain)')
    .option('--region <region>', 'AWS region (default: AWS_REGION or the profile\'s region)');
}
