import { chromium, type Browser } from 'playwright-core';
import { chromiumEnvironment, sandboxWanted } from './environment.js';
import { inOwnedTempDir } from './temp-dir.js';

/** Where Chromium runs: a local machine (many pages, several cores) or a Lambda (one small sandbox). */
export type BrowserTarget = 'local' | 'lambda';

export interface LaunchBrowserOptions {
  /** @default 'local' */
  target?: BrowserTarget;
  /** A Chromium binary; otherwise env FLEETPDF_CHROMIUM, otherwise the one inside @sparticuz/chromium. */
  executablePath?: string;
  /** @default true */
  headless?: boolean;
  /**
   * Locally, add MEMORY_SAVING_ARGS (the pages of one context share a renderer). Off only to
   * measure what they save (npm run bench -- --browser-variants).
   * @default true
   */
  memorySaving?: boolean;
  /** Extra Chromium switches, after the target's own; `--enable-features`/`--disable-features` lists are merged. */
  args?: readonly string[];
  /**
   * Keep Chromium's sandbox. When a sandboxed launch fails (no user namespaces), Chromium is
   * started again without it and `onNotice` says so once.
   * @default true locally when not root (see sandboxWanted), false in a Lambda
   */
  sandbox?: boolean;
  /** One line for the user when the launch had to give something up (the sandbox). */
  onNotice?: (line: string) => void;
}

// Without the background-networking switches Chromium keeps dialling Google services,
// which a closed network refuses over and over.
const QUIET_ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--no-first-run',
  '--no-default-browser-check',
  '--no-pings',
  '--disable-breakpad',
  '--metrics-recording-only',
  '--mute-audio',
];

/**
 * Chromium keeps only the last `--disable-features` switch, so ours would silently drop the list
 * Playwright passes before it (playwright-core 1.65, chromiumSwitches.ts). We pass Playwright's
 * list again, merged with ours.
 */
const PLAYWRIGHT_DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
];

// Locally every context gets its own renderer process, so several contexts use more than one
// core; @sparticuz's Lambda arguments force --single-process, right for a 1-vCPU Lambda only.
const LOCAL_ARGS = [
  ...QUIET_ARGS,
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-extensions',
  '--disable-features=Translate',
];

/**
 * `--process-per-site` lets the pages of one context (see PagePool.pagesPerContext) share one
 * renderer process instead of one each: 8 workers run in 2 renderers, not 8. Contexts never
 * share a renderer, so a crash takes down one context's pages at most. (`--no-zygote` and
 * `--in-process-gpu` were measured too and saved nothing beyond the noise: docs/PERFORMANCE.md.)
 */
export const MEMORY_SAVING_ARGS: readonly string[] = ['--process-per-site'];

/**
 * The switches, with every `--enable-features=` and `--disable-features=` folded into one of
 * each (Chromium would keep only the last of each), placed where the first one stood.
 */
export function mergeFeatureSwitches(args: readonly string[]): string[] {
  const lists = new Map<string, Set<string>>();
  const out: string[] = [];
  for (const arg of args) {
    const match = /^(--(?:enable|disable)-features)=(.*)$/.exec(arg);
    if (!match) {
      out.push(arg);
      continue;
    }
    const [, name, value] = match as unknown as [string, string, string];
    let list = lists.get(name);
    if (!list) {
      list = new Set();
      lists.set(name, list);
      out.push(name); // placeholder, filled in below
    }
    for (const feature of value.split(',').map((f) => f.trim()).filter(Boolean)) list.add(feature);
  }
  return out.map((arg) => (lists.has(arg) ? `${arg}=${[...lists.get(arg)!].join(',')}` : arg));
}

/** Resolve the Chromium binary: explicit path, FLEETPDF_CHROMIUM, then the npm-shipped one. */
export async function resolveChromium(explicit?: string): Promise<{ path: string; shipped: boolean }> {
  const fromEnv = explicit ?? process.env.FLEETPDF_CHROMIUM;
  if (fromEnv) return { path: fromEnv, shipped: false };
  const sparticuz = (await import('@sparticuz/chromium')).default;
  return { path: await sparticuz.executablePath(), shipped: true };
}

/** Launch headless Chromium with the argument set that suits the target. */
export async function launchBrowser(options: LaunchBrowserOptions = {}): Promise<Browser> {
  const target = options.target ?? 'local';
  const { path, shipped } = await resolveChromium(options.executablePath);
  let base: readonly string[] = [...LOCAL_ARGS, ...(options.memorySaving === false ? [] : MEMORY_SAVING_ARGS)];
  if (target === 'lambda' && shipped) {
    const sparticuz = (await import('@sparticuz/chromium')).default;
    base = [...sparticuz.args, ...QUIET_ARGS];
  }
  const args = mergeFeatureSwitches([
    ...base,
    `--disable-features=${PLAYWRIGHT_DISABLED_FEATURES.join(',')}`,
    ...(options.args ?? []),
  ]);
  const launch = (sandbox: boolean) =>
    inOwnedTempDir(() =>
      chromium.launch({
        executablePath: path,
        // Playwright adds --no-sandbox itself unless chromiumSandbox is set.
        args: sandbox ? args.filter((a) => a !== '--no-sandbox') : args,
        chromiumSandbox: sandbox,
        env: chromiumEnvironment(), // read inside inOwnedTempDir: Chromium's TMPDIR is the owned folder
        headless: options.headless ?? true,
        // We own shutdown: Ctrl-C lets in-flight vehicles finish before the browser closes.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      }),
    );
  const sandbox = options.sandbox ?? sandboxWanted(target);
  try {
    if (!sandbox) return await launch(false);
    try {
      return await launch(true);
    } catch (error) {
      if (!/sandbox|namespace/i.test(error instanceof Error ? error.message : String(error))) throw error;
      options.onNotice?.(
        `Chromium's sandbox is unavailable here (${firstLine(error)}); running without it. ` +
          'Allow unprivileged user namespaces to keep it, or set FLEETPDF_CHROMIUM_SANDBOX=0 to silence this.',
      );
      return await launch(false);
    }
  } catch (error) {
    throw new Error(
      `could not start Chromium at ${path}: ${firstLine(error)} (set FLEETPDF_CHROMIUM to another Chromium, or install libnss3)`,
      { cause: error },
    );
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
