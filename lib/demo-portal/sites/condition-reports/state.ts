import { randomBytes } from 'node:crypto';
import { MAX_PENDING } from './constants.js';

/** A bounded map: the oldest entries go first (a demo portal must not grow without end). */
export class Bounded<V> {
  readonly #entries = new Map<string, V>();
  set(key: string, value: V): void {
    this.#entries.set(key, value);
    if (this.#entries.size > MAX_PENDING) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }
  get(key: string | undefined): V | undefined {
    return key === undefined ? undefined : this.#entries.get(key);
  }
  delete(key: string): void {
    this.#entries.delete(key);
  }
}

/** A sign-in between its steps; the field names are new on every load (no stable ids to select). */
export interface PendingSignin {
  userField: string;
  passwordField: string;
  codeField?: string;
  /** Set once the password was right: the code step is next. */
  username?: string;
}

/** A report job: prepared for one session, polled, then handed out through a one-time link. */
export interface ReportJob {
  sessionToken: string;
  ref: string;
  polls: number;
  fileToken?: string;
}

export interface OneTimeFile {
  sessionToken: string;
  ref: string;
  used: boolean;
}

export interface ConditionSiteState {
  signins: Bounded<PendingSignin>;
  jobs: Bounded<ReportJob>;
  files: Bounded<OneTimeFile>;
}

export function createConditionState(): ConditionSiteState {
  return { signins: new Bounded(), jobs: new Bounded(), files: new Bounded() };
}

export const newId = (bytes = 12): string => randomBytes(bytes).toString('base64url');
/** A form field name/id that changes on every load. */
export const fieldName = (): string => `f${randomBytes(5).toString('hex')}`;
