import { resolve } from 'node:path';
import { readableByOthers } from '../system/file-permissions.js';

/** Hosts whose traffic never leaves the machine. */
function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1';
}

/**
 * One line for each way this run exposes the portal's password: a `.env` other users can read,
 * or a plain-http portal across a network (the login form and session cookies travel unencrypted).
 */
export function securityWarnings(options: { portalUrl?: string; envFileRead: boolean; cwd?: string }): string[] {
  const warnings: string[] = [];
  const envFile = resolve(options.cwd ?? process.cwd(), '.env');
  if (options.envFileRead && readableByOthers(envFile)) {
    warnings.push(`${envFile} is readable by other users and may hold the portal password; run: chmod 600 ${envFile}`);
  }
  if (options.portalUrl) {
    const url = new URL(options.portalUrl);
    if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
      warnings.push(
        `the portal URL ${url.origin} is plain http: the password and session cookies cross the network unencrypted; use https:// if the portal offers it`,
      );
    }
  }
  return warnings;
}
