import { Construct } from 'constructs';
import { FunctionName, ResourceEnv } from '../contracts/index.js';
import type { CloudSettingValues } from '../settings/index.js';
import type { Secrets } from './secrets.js';
import type { SessionStore } from './session-store.js';
import { WorkerFunction } from './worker-function.js';

export interface LoginProps {
  readonly settings: CloudSettingValues;
  /**
   * Folder holding the handler entries and package-lock.json.
   * @default the repository root (see `projectRoot()`)
   */
  readonly projectRoot?: string;
  readonly secrets: Secrets;
  readonly sessions: SessionStore;
  /**
   * Memory in MB.
   * @default 2048 (headless Chromium)
   */
  readonly memorySizeMb?: number;
  /**
   * Timeout in seconds: a login with license acceptance, with room for a slow portal.
   * @default 120
   */
  readonly timeoutSecs?: number;
  /**
   * Reserved (and maximum) concurrency. The portal allows one active session per user, so
   * two logins at once would end each other's session: 1 makes a second run's login wait
   * (Step Functions retries the throttle) instead.
   * @default 1
   */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * The first Task of a run: a headless Chromium logs in with the secret's credentials, accepts
 * the license and stores the cookies as a new session version (under the single-flight lock).
 */
export class Login extends Construct {
  readonly worker: WorkerFunction;

  constructor(scope: Construct, id: string, props: LoginProps) {
    super(scope, id);
    this.worker = new WorkerFunction(this, 'Worker', {
      projectRoot: props.projectRoot,
      name: FunctionName.LOGIN,
      browser: true,
      memorySizeMb: props.memorySizeMb ?? 2048,
      timeoutSecs: props.timeoutSecs ?? 120,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions ?? 1,
      settings: props.settings,
      environment: {
        [ResourceEnv.SESSION_TABLE]: props.sessions.tableName,
        [ResourceEnv.CREDENTIALS_SECRET]: props.secrets.secretId,
      },
    });
    props.secrets.grantRead(this.worker);
    props.sessions.grantReadWrite(this.worker);
  }
}
