import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CriticalError, firstLine, TransientError } from '../../core/errors.js';
import type { Credentials } from '../../core/types.js';
import { awsErrorName } from './aws-errors.js';
import { DEFAULT_CREDENTIALS_CACHE_MS, PLACEHOLDER_USERNAME } from './constants.js';
import type { SecretsCredentialsOptions } from './types.js';

/** Service errors that no retry fixes: a person must create the secret or grant access. */
const MISSING = new Set(['ResourceNotFoundException']);
const FORBIDDEN = new Set(['AccessDeniedException', 'AccessDenied', 'UnrecognizedClientException', 'DecryptionFailure']);

/**
 * The portal credentials, from a Secrets Manager secret holding
 * `{"username": "...", "password": "...", "totp": "<base32 TOTP secret, optional>"}`. A value is reused for `cacheMs` (one GetSecretValue
 * per warm container every 5 minutes, however many vehicles it handles); concurrent callers
 * share one request. Every way the secret can be unusable is a one-line CriticalError that
 * says what to do; the credentials themselves never appear in a message.
 */
export class SecretsCredentials {
  readonly secretId: string;
  readonly #client: SecretsManagerClient;
  readonly #cacheMs: number;
  readonly #now: () => number;
  #cached?: { value: Credentials; loadedAt: number };
  #inflight?: Promise<Credentials>;

  constructor(options: SecretsCredentialsOptions) {
    this.secretId = options.secretId;
    this.#client = options.client;
    this.#cacheMs = options.cacheMs ?? DEFAULT_CREDENTIALS_CACHE_MS;
    this.#now = options.now ?? Date.now;
  }

  async load(): Promise<Credentials> {
    if (this.#cached && this.#now() - this.#cached.loadedAt < this.#cacheMs) return { ...this.#cached.value };
    this.#inflight ??= this.#fetch().finally(() => {
      this.#inflight = undefined;
    });
    return { ...(await this.#inflight) };
  }

  /** Forget the cached value (after the portal rejected it, say). */
  invalidate(): void {
    this.#cached = undefined;
  }

  async #fetch(): Promise<Credentials> {
    const fix = `set the portal credentials in secret ${this.secretId}`;
    let secretString: string | undefined;
    try {
      const out = await this.#client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
      secretString = out.SecretString;
    } catch (error) {
      const name = awsErrorName(error) ?? '';
      if (MISSING.has(name)) throw new CriticalError(`secret ${this.secretId} does not exist: ${fix}`, 'credentials_missing', { cause: error });
      if (FORBIDDEN.has(name)) {
        throw new CriticalError(`cannot read secret ${this.secretId} (${name}): check the function's permissions`, 'credentials_forbidden', { cause: error });
      }
      const message = error instanceof Error ? error.message : String(error);
      throw new TransientError(`cannot read secret ${this.secretId}: ${firstLine(message)}`, 'credentials_unavailable', { cause: error });
    }
    const credentials = parseCredentials(secretString);
    if (typeof credentials === 'string') throw new CriticalError(`secret ${this.secretId} ${credentials}: ${fix}`, 'credentials_invalid');
    if (credentials.username === PLACEHOLDER_USERNAME) {
      throw new CriticalError(`secret ${this.secretId} still holds the placeholder username ${PLACEHOLDER_USERNAME}: ${fix}`, 'credentials_placeholder');
    }
    this.#cached = { value: credentials, loadedAt: this.#now() };
    return credentials;
  }
}

/** The credentials, or what is wrong with the secret's value (never quoting it). */
function parseCredentials(secretString: string | undefined): Credentials | string {
  if (secretString === undefined) return 'has no string value';
  let value: unknown;
  try {
    value = JSON.parse(secretString);
  } catch {
    return 'is not JSON (expected {"username": "...", "password": "..."})';
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return 'is not a JSON object (expected {"username": "...", "password": "..."})';
  }
  const { username, password, totp } = value as Record<string, unknown>;
  if (typeof username !== 'string' || username.trim() === '') return 'has no "username"';
  if (typeof password !== 'string' || password === '') return 'has no "password"';
  // Optional: the TOTP secret of a portal that asks for a one-time code.
  if (totp !== undefined && (typeof totp !== 'string' || totp.trim() === '')) return 'has a "totp" that is not a non-empty string';
  return typeof totp === 'string' ? { username, password, totpSecret: totp.trim() } : { username, password };
}
