/**
 * Run by cold-start.ts in a fresh Node process whose TMPDIR is empty, so @sparticuz/chromium
 * unpacks its browser as in a new Lambda container. Prints one JSON line of phase times, in
 * seconds since this process started, and the wall-clock moment the first page was ready.
 */
import { performance } from 'node:perf_hooks';
import type { BrowserTarget } from '../../lib/browser/launch.js';

const now = () => performance.now() / 1000;
const target = (process.argv[2] ?? 'lambda') as BrowserTarget;
const { launchBrowser, resolveChromium } = await import('../../lib/browser/launch.js');
const modulesLoaded = now();
await resolveChromium();
const unpacked = now();
const browser = await launchBrowser({ target });
const launched = now();
const page = await (await browser.newContext()).newPage();
await page.goto('about:blank');
const pageReady = now();
const pageReadyAt = Date.now();
await browser.close();
// A second launch in the same process: what a warm container pays to relaunch a dead browser.
const again = now();
const warm = await launchBrowser({ target });
const warmLaunchSecs = now() - again;
await warm.close();
process.stdout.write(`${JSON.stringify({ modulesLoaded, unpacked, launched, pageReady, pageReadyAt, warmLaunchSecs })}\n`);
