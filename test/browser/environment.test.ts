import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumEnvironment, isSecretName, sandboxWanted } from '../../lib/browser/environment.js';
import { launchBrowser } from '../../lib/browser/launch.js';
import { readProcessTree } from '../../lib/system/process-tree.js';

describe('chromiumEnvironment', () => {
  it('drops the portal credentials, cloud keys and anything named like a secret, keeps the rest', () => {
    const env = chromiumEnvironment({
      PORTAL_USER: 'demo',
      PORTAL_PASS: 'pw',
      PORTAL_TOTP_SECRET: 'JBSWY3DP',
      AWS_SECRET_ACCESS_KEY: 'k',
      AWS_SESSION_TOKEN: 't',
      AWS_ACCESS_KEY_ID: 'id',
      GITHUB_TOKEN: 'g',
      MY_API_KEY: 'a',
      DB_PASSWORD: 'p',
      PATH: '/usr/bin',
      HOME: '/home/u',
      LANG: 'C.UTF-8',
      AWS_REGION: 'eu-west-1',
      FLEETPDF_CHROMIUM: '/usr/bin/chromium',
    });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/u', LANG: 'C.UTF-8', AWS_REGION: 'eu-west-1', FLEETPDF_CHROMIUM: '/usr/bin/chromium' });
    expect(isSecretName('FONTCONFIG_PATH')).toBe(false);
  });

  it('keeps the sandbox locally unless root or told not to, never in a Lambda', () => {
    const root = process.getuid?.() === 0;
    expect(sandboxWanted('local', {})).toBe(!root);
    expect(sandboxWanted('local', { FLEETPDF_CHROMIUM_SANDBOX: '0' })).toBe(false);
    expect(sandboxWanted('lambda', {})).toBe(false);
  });
});

describe('a launched Chromium (issue 14 item 7)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of ['PORTAL_PASS', 'PORTAL_TOTP_SECRET']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('has no portal secret in the environment of any of its processes, and the sandbox as sandboxWanted says', async () => {
    process.env.PORTAL_PASS = 'Zq7-env-SECRET-pw-91c3';
    process.env.PORTAL_TOTP_SECRET = 'JBSWY3DPEHPK3PXP';
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.setContent('<p>renderer started</p>');
      const chromium = readProcessTree().filter((p) => p.chromiumType !== '');
      expect(chromium.some((p) => p.chromiumType === 'browser')).toBe(true);
      expect(chromium.some((p) => p.chromiumType === 'renderer')).toBe(true);
      for (const p of chromium) {
        const environ = readFileSync(`/proc/${p.pid}/environ`, 'latin1');
        expect(environ, `pid ${p.pid} (${p.chromiumType})`).not.toContain('Zq7-env-SECRET-pw-91c3');
        expect(environ).not.toContain('JBSWY3DPEHPK3PXP');
      }
      // Helpers may overwrite their environ block (setproctitle); the browser process keeps its own.
      const browserPid = chromium.find((p) => p.chromiumType === 'browser')!.pid;
      expect(readFileSync(`/proc/${browserPid}/environ`, 'latin1')).toContain('PATH=');
      const browserCmd = readFileSync(`/proc/${browserPid}/cmdline`, 'latin1');
      expect(browserCmd.split('\0').includes('--no-sandbox')).toBe(!sandboxWanted('local'));
    } finally {
      await browser.close();
    }
  });
});
