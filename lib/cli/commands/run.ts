import { resolve } from 'node:path';
import { InputError, storageFullIn } from '../../core/errors.js';
import { resolveFetchMode } from '../../core/portal/fetch-mode.js';
import { Redactor } from '../../core/redact.js';
import { formatSummary } from '../../core/report/index.js';
import { DEMO_CREDENTIALS, demoSiteForProfile, startDemoPortal, type DemoPortal } from '../../demo-portal/index.js';
import { runLocalJob } from '../../local/local-job.js';
import { loadProfile } from '../../profiles/load.js';
import type { LocalSettings } from '../../settings/index.js';
import { loadCredentials } from '../config.js';
import { ExitCode } from '../exit-codes.js';
import { Output } from '../output.js';
import { securityWarnings } from '../security-warnings.js';
import { ProgressReporter } from '../progress.js';

/** `fleetpdf run`: wire the demo portal (or --portal), the local adapters and the core pipeline. */
export async function runCommand(settings: LocalSettings): Promise<number> {
  const { profile, source } = await loadProfile(settings.profile);
  // Before anything starts: --fetch direct on a profile without a direct URL is bad input.
  const fetchMode = resolveFetchMode(profile, settings.fetchMode);
  const redactor = new Redactor();
  const out = new Output(redactor);
  if (settings.portalUrl && (settings.demoFaults || settings.demoPageLatencyMs || settings.demoPdfLatencyMs)) {
    throw new InputError('--faults and --latency shape the bundled demo portal; they cannot be used with --portal');
  }

  let demo: DemoPortal | undefined;
  if (!settings.portalUrl) {
    demo = await startDemoPortal({
      // The bundled site that matches the profile (sites are named after their profiles).
      site: demoSiteForProfile(profile.name),
      vehicles: settings.demoVehicles,
      seed: settings.demoSeed,
      pageLatencyMs: settings.demoPageLatencyMs,
      pdfLatencyMs: settings.demoPdfLatencyMs,
      faults: settings.demoFaults,
    });
    out.line(`demo portal: ${demo.url} (${settings.demoVehicles} vehicles${settings.demoFaults ? `, faults ${settings.demoFaults}` : ''})`);
  }
  const credentials = loadCredentials(demo ? DEMO_CREDENTIALS : undefined);
  redactor.add(credentials.password, credentials.totpSecret);
  for (const warning of securityWarnings({ portalUrl: settings.portalUrl, envFileRead: !demo })) out.line(`warning: ${warning}`);

  const stop = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts === 1) {
      out.line(`${signal}: finishing the vehicles in flight, then stopping (again to quit now; the run resumes either way)`);
      stop.abort();
    } else {
      process.exit(ExitCode.INTERRUPTED);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const result = await runLocalJob({
      profile,
      portalUrl: settings.portalUrl ?? demo!.url,
      portalName: demo ? 'bundled demo portal' : settings.portalUrl,
      credentials,
      settings: { ...settings, outDir: resolve(settings.outDir), fetchMode },
      label: { workers: settings.workers, profile: profile.name, demo: Boolean(demo), fetch: fetchMode, ...(source ? { profileSource: source } : {}) },
      ...(source ? { profileSource: source } : {}),
      signal: stop.signal,
      log: (line) => out.line(line),
      onStart: ({ snapshot }) => {
        const reporter = new ProgressReporter({ output: out, snapshot });
        reporter.start();
        return () => reporter.stop();
      },
    });
    const { report } = result;
    if (settings.json) process.stdout.write(`${redactor.redact(JSON.stringify(report, null, 2))}\n`);
    for (const line of formatSummary(report).split('\n')) out.line(line);
    // What the bundled portal saw: a real portal's side of a run is not ours to count.
    if (demo) out.line(`demo portal: ${demo.stats().logins} login(s), ${demo.stats().pdfRequests} PDF requests`);
    if (report.status === 'stopped') {
      const reason = report.stop_reason ?? 'unknown';
      // Some reasons already say when to run again ("... run again later").
      out.line(`stopped: ${reason}${/run again/.test(reason) ? '' : '; run again to resume'}`);
      return report.stop_reason === 'interrupted' ? ExitCode.INTERRUPTED : ExitCode.STOPPED;
    }
    return report.failed > 0 ? ExitCode.VEHICLES_FAILED : ExitCode.OK;
  } catch (error) {
    // A full disk outside a vehicle's storage (the database, the folders): name the out folder.
    throw storageFullIn(resolve(settings.outDir), error);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await demo?.close();
  }
}
