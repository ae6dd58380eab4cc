import { Command, CommanderError } from 'commander';
import { classify, CriticalError, InputError } from '../core/errors.js';
import { parseFaults } from '../demo-portal/faults.js';
import { registerCloudCommands } from './commands/cloud.js';
import type { LocalSettings } from '../settings/index.js';
import { addSettingOptions, settingsFromOptions } from './setting-options.js';
import { toAscii } from './output.js';
import { ExitCode } from './exit-codes.js';
import { keepNewFilesPrivate } from '../system/file-permissions.js';

function program(setExit: (code: number) => void): Command {
  const cli = new Command('fleetpdf')
    .description('Download one verified PDF per vehicle from a login-walled dealer portal.')
    .showHelpAfterError('(fleetpdf --help for usage)')
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  $ fleetpdf                                      # = fleetpdf run: 200 demo vehicles into ./output
  $ PORTAL_USER=me PORTAL_PASS=secret fleetpdf run --portal https://values.example.com --workers 8
  $ fleetpdf portal --port 4010                   # the bundled demo portal alone
  $ fleetpdf cloud start && fleetpdf cloud status --watch
  $ fleetpdf cloud pull --to ./pdfs               # a cloud run's verified PDFs

Every command has its own --help with examples: fleetpdf run --help, fleetpdf cloud pull --help, ...`,
    );

  const run = cli
    .command('run', { isDefault: true })
    .description('download every vehicle\'s PDF (resumes the newest unfinished run unless --new)');
  addSettingOptions(run, 'run')
    .addHelpText(
      'after',
      `
Examples:
  $ fleetpdf run                                  # 200 demo vehicles, 8 workers, ./output
  $ fleetpdf run --vehicles 2000 --workers 16 --new
  $ fleetpdf run --faults 5xx=0.05,hang=0.01,expire=100 --json > report.json
  $ PORTAL_USER=me PORTAL_PASS=secret fleetpdf run --portal https://values.example.com`,
    )
    .action(async (opts: Record<string, unknown>) => {
      // Options are checked before the run's modules load, so a typo fails in a fraction of a second.
      const settings = checkRunSettings(opts);
      // Loaded on use: --help and option errors stay fast (no browser or SQLite modules).
      const { runCommand } = await import('./commands/run.js');
      setExit(await runCommand(settings));
    });

  const portal = cli
    .command('portal')
    .description('serve the bundled demo portal alone')
    .option('--port <port>', 'port (0 = any free port)', '4010')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--site <name>', 'which bundled site: dealer-values or window-sticker', 'dealer-values');
  addSettingOptions(portal, 'portal')
    .addHelpText(
      'after',
      '\nExamples:\n  $ fleetpdf portal --port 4010 --latency 300 --pdf-latency 700 --faults ratelimit=8\n  $ fleetpdf portal --site window-sticker',
    )
    .action(async (opts: Record<string, unknown>) => {
      const { portalCommand } = await import('./commands/portal.js');
      setExit(await portalCommand(opts));
    });

  const check = cli
    .command('check')
    .description('walk a profile through login, license, inventory and one document against a portal, one line per step')
    .option('--ref <ref>', "the vehicle whose document is fetched (default: the inventory's first)")
    .option('--artifacts <dir>', "where a failed step's screenshot, page HTML and trace go", './fleetpdf-check');
  addSettingOptions(check, 'check')
    .addHelpText(
      'after',
      `
Exit code 0 when every step passes, 1 when one fails (its line says what to try), 2 for bad input.

Examples:
  $ PORTAL_USER=me PORTAL_PASS=secret fleetpdf check --portal https://values.example.com --profile ./my-portal.ts
  $ fleetpdf check --portal http://127.0.0.1:4010 --profile ./my-portal.json --ref STK-0042
  $ fleetpdf check                                # the shipped dealer-values profile against the bundled demo`,
    )
    .action(async (opts: Record<string, unknown>) => {
      const settings = settingsFromOptions(opts, 'check');
      const { checkCommand } = await import('./commands/check.js');
      setExit(await checkCommand(settings, { ref: opts.ref as string | undefined, artifacts: opts.artifacts as string }));
    });

  const profile = cli.command('profile').description('write and manage your own profile files');
  profile
    .command('init <name>')
    .description('write a commented starter profile, NAME.ts (or NAME.json), that runs as-is against the bundled demo portal')
    .option('--json', 'a declarative JSON profile (selectors and paths, no code) instead of TypeScript')
    .option('--force', 'overwrite an existing file')
    .addHelpText('after', '\nExamples:\n  $ fleetpdf profile init my-portal          # ./my-portal.ts\n  $ fleetpdf profile init my-portal --json   # ./my-portal.json')
    .action(async (name: string, opts: { json?: boolean; force?: boolean }) => {
      const { profileInitCommand } = await import('./commands/profile.js');
      setExit(profileInitCommand(name, opts));
    });

  registerCloudCommands(cli, setExit);
  return cli;
}

/** The cheap checks of `fleetpdf run`: the settings and the --faults spec. */
function checkRunSettings(opts: Record<string, unknown>): LocalSettings {
  const settings = settingsFromOptions(opts, 'run');
  if (settings.demoFaults && !settings.portalUrl) parseFaults(settings.demoFaults);
  return settings;
}

/** Entry point: one clear line and a meaningful exit code for every failure. */
export async function main(argv: string[]): Promise<void> {
  let code: number = ExitCode.OK;
  keepNewFilesPrivate();
  try {
    await program((c) => (code = c)).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      code = error.exitCode === 0 ? ExitCode.OK : ExitCode.BAD_INPUT;
    } else {
      const failure = classify(error);
      process.stderr.write(`fleetpdf: error: ${toAscii(failure.message)}\n`);
      code = failure instanceof InputError ? ExitCode.BAD_INPUT : failure instanceof CriticalError ? ExitCode.STOPPED : 1;
    }
  }
  process.exitCode = code;
  // Chromium or a hung socket must not keep a finished run alive.
  setTimeout(() => process.exit(code), 2000).unref();
}
