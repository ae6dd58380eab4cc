import { generate } from 'otplib';
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { CriticalError } from '../../core/errors.js';
import type { Credentials } from '../../core/types.js';

/** The one-line error when a portal asks for a code and there is no secret to make one. */
export class TotpMissingError extends CriticalError {
  constructor() {
    super('the portal asks for a one-time code (TOTP) but no TOTP secret is configured: set PORTAL_TOTP_SECRET (cloud: "totp" in the credentials secret)', 'totp_missing');
  }
}

/**
 * The current TOTP code (RFC 6238: SHA-1, 6 digits, 30 s, as authenticator apps make it) for
 * the credentials' secret. The secret never appears in an error message.
 */
export async function totpCode(credentials: Credentials, now: number = Date.now()): Promise<string> {
  const secret = credentials.totpSecret?.replace(/\s+/g, '').toUpperCase();
  if (!secret) throw new TotpMissingError();
  try {
    return await generate({ secret, epoch: Math.floor(now / 1000) });
  } catch {
    throw new CriticalError('the configured TOTP secret is not a usable one (base32, at least 26 characters; check PORTAL_TOTP_SECRET or "totp" in the secret)', 'totp_invalid');
  }
}

/** Type the current code into a field of the page, a frame or a frame locator (a sign-in inside an iframe). */
export async function fillTotp(where: Page | Frame | FrameLocator, selector: string, credentials: Credentials): Promise<void> {
  await where.locator(selector).fill(await totpCode(credentials));
}
