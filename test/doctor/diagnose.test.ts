import { describe, expect, it } from 'vitest';
import { LoginRejectedError } from '../../lib/core/errors.js';
import { diagnose, fieldOf, waitedSelector } from '../../lib/doctor/diagnose.js';
import { dealerValues } from '../../lib/profiles/index.js';

// Unit tests of the pure parts; every failure kind runs against the real demo portal in test/cli/check.test.ts.
describe('diagnose', () => {
  it('reads the selector Playwright waited for from its call log', () => {
    const message = "page.fill: Timeout 2000ms exceeded.\nCall log:\n  - waiting for locator('input[name=\\'user\\']')\n";
    expect(waitedSelector(message)).toBe("input[name='user']");
    expect(waitedSelector('page.goto: net::ERR_CONNECTION_REFUSED')).toBeUndefined();
  });

  it('names the profile field that holds a selector', () => {
    expect(fieldOf(dealerValues, '#password')).toBe('login.passwordSelector');
    expect(fieldOf(dealerValues, '#download-pdf')).toBe('document.downloadSelector');
    expect(fieldOf(dealerValues, '#nothing')).toBeUndefined();
  });

  it('tells wrong credentials, a selector in a wrapped error, and a navigation timeout apart', async () => {
    await expect(diagnose(new LoginRejectedError(), dealerValues, undefined, 2000)).resolves.toMatchObject({ kind: 'wrong_credentials' });
    const wrapped = new Error('login failed: page.fill: Timeout 2000ms exceeded.', {
      cause: new Error("page.fill: Timeout 2000ms exceeded.\nCall log:\n  - waiting for locator('#username')"),
    });
    await expect(diagnose(wrapped, dealerValues, undefined, 2000)).resolves.toMatchObject({
      kind: 'selector',
      what: expect.stringContaining('login.usernameSelector "#username" matches nothing'),
    });
    const hung = new Error('page.goto: Timeout 2000ms exceeded.\nCall log:\n  - navigating to "http://127.0.0.1:1/inventory", waiting until "domcontentloaded"');
    await expect(diagnose(hung, dealerValues, undefined, 2000)).resolves.toMatchObject({
      kind: 'timeout',
      what: 'http://127.0.0.1:1/inventory did not answer within 2 s',
    });
  });
});
