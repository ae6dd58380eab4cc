import { chromium, type Browser } from 'playwright-core';

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
  '--no-sandbox',
  '--disable-setuid-sandbox',
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
  try {
    return await chromium.launch({
      executablePath: path,
      args,
      headless: options.headless ?? true,
      // We own shutdown: Ctrl-C lets in-flight vehicles finish before the browser closes.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(
      `could not start Chromium at ${path}: ${message} (set FLEETPDF_CHROMIUM to another Chromium, or install libnss3)`,
      { cause: error },
    );
  }
}
