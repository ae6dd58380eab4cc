import { resolve } from 'node:path';
import { resolveFetchMode } from '../../core/portal/fetch-mode.js';
import { Redactor } from '../../core/redact.js';
import { DEMO_CREDENTIALS, demoSiteForProfile, startDemoPortal, type DemoPortal } from '../../demo-portal/index.js';
import { checkProfileAgainstPortal, type StepReport } from '../../doctor/check-profile.js';
import { loadProfile } from '../../profiles/load.js';
import type { LocalSettings } from '../../settings/index.js';
import { loadCredentials } from '../config.js';
import { ExitCode } from '../exit-codes.js';
import { Output } from '../output.js';

export interface CheckFlags {
  ref?: string;
  artifacts: string;
}

/** `fleetpdf check`: the profile doctor (lib/doctor) against --portal (or the bundled demo site of a shipped profile). */
export async function checkCommand(settings: LocalSettings, flags: CheckFlags): Promise<number> {
  const { profile, source } = await loadProfile(settings.profile);
  // Bad input before a browser starts: --fetch direct on a profile without a direct URL.
  resolveFetchMode(profile, settings.fetchMode);
  const redactor = new Redactor();
  const out = new Output(redactor, process.stdout);
  let demo: DemoPortal | undefined;
  if (!settings.portalUrl) demo = await startDemoPortal({ site: demoSiteForProfile(profile.name), vehicles: 20 });
  const portalUrl = settings.portalUrl ?? demo!.url;
  const credentials = loadCredentials(demo ? DEMO_CREDENTIALS : undefined);
  redactor.add(credentials.password);
  out.line(`checking profile ${profile.name}${source ? ` (${source.file})` : ''} against ${demo ? `the bundled demo portal ${portalUrl}` : portalUrl}`);
  try {
    const report = await checkProfileAgainstPortal({
      profile,
      portalUrl,
      credentials,
      ref: flags.ref,
      stepTimeoutMs: settings.stepTimeoutSecs * 1000,
      fetchMode: settings.fetchMode,
      artifactsDir: resolve(flags.artifacts),
      launch: async () => (await import('../../browser/launch.js')).launchBrowser(),
      onStep: (step) => out.line(stepLine(step)),
    });
    if (report.ok) {
      out.line('check passed: a run with this profile gets past every step');
      return ExitCode.OK;
    }
    out.line(`saved the failed step's screenshot.png, page.html and trace.zip in ${report.artifacts} (npx playwright-core show-trace ${report.artifacts}/trace.zip)`);
    return ExitCode.CHECK_FAILED;
  } finally {
    await demo?.close();
  }
}

/** `PASS inventory  0.4 s  20 vehicles`, or `FAIL login  5.0 s  <what>; try: <next>`. */
export function stepLine(step: StepReport): string {
  const time = step.ms === undefined ? '     -' : `${(step.ms / 1000).toFixed(1).padStart(4)} s`;
  const detail = step.failure ? `${step.failure.what}; try: ${step.failure.next}` : step.detail;
  return `${step.ok ? 'PASS' : 'FAIL'} ${step.step.padEnd(9)} ${time}  ${detail}`;
}
