/**
 * Names of variables Chromium must not inherit: the portal's credentials (also when they came
 * from `.env`, which dotenv copies into process.env), cloud keys, and anything named like a
 * secret. Renderers run third-party pages; a compromised one can read its own environment.
 */
const SECRET_NAME = /^PORTAL_|^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)$|PASS|SECRET|TOKEN|CREDENTIAL|PRIVATE|API_?KEY|TOTP|COOKIE/i;

/** True for an environment variable name that may hold a secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** The environment for Chromium: ours, without anything that may be a secret. */
export function chromiumEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !isSecretName(name)) out[name] = value;
  }
  return out;
}

/**
 * Whether Chromium's sandbox can be kept. Chromium refuses to run sandboxed as root, and a
 * Lambda has no user namespaces; everywhere else the renderers that draw the portal's pages stay
 * sandboxed. FLEETPDF_CHROMIUM_SANDBOX=0 turns it off (a container without user namespaces).
 */
export function sandboxWanted(target: 'local' | 'lambda', env: NodeJS.ProcessEnv = process.env): boolean {
  if (target === 'lambda') return false;
  if (env.FLEETPDF_CHROMIUM_SANDBOX === '0') return false;
  return typeof process.getuid === 'function' ? process.getuid() !== 0 : true;
}
