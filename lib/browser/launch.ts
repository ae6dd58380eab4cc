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

// Locally the pages get their own renderer processes so that N workers use more than one
// core; @sparticuz's Lambda arguments force --single-process, right for a 1-vCPU Lambda only.
const LOCAL_ARGS = [
  ...QUIET_ARGS,
  '--no-sandbox',
  '--disable-setuid-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-extensions',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
];

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
  let args = LOCAL_ARGS;
  if (target === 'lambda' && shipped) {
    const sparticuz = (await import('@sparticuz/chromium')).default;
    args = [...sparticuz.args, ...QUIET_ARGS];
  }
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
