import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { fromEnv, type AwsAdapters } from '../adapters/aws/index.js';
import { PagePool } from '../browser/page-pool.js';
import { InputError } from '../core/errors.js';
import { RetryPolicy } from '../core/pipeline/retry-policy.js';
import { SharedCircuitBreaker } from '../core/pipeline/shared-breaker.js';
import type { PortalProfile, StepContext } from '../core/portal/profile.js';
import { SessionManager } from '../core/portal/session-manager.js';
import { loginInBrowser } from '../core/portal/steps.js';
import { getProfile } from '../profiles/index.js';
import { Env } from './contracts.js';

/** The Lambda settings the stack passes as environment variables, checked once. */
const CloudSettingsSchema = z.object({
  [Env.PORTAL_URL]: z.url({ protocol: /^https?$/ }),
  [Env.PROFILE]: z.string().min(1).default('dealer-values'),
  [Env.MAX_ATTEMPTS]: z.coerce.number().int().min(1).max(20).default(3),
  [Env.VEHICLE_TIMEOUT_SECS]: z.coerce.number().int().min(1).max(900).default(90),
  [Env.STEP_TIMEOUT_SECS]: z.coerce.number().int().min(1).max(300).default(20),
  [Env.STALL_POLLS]: z.coerce.number().int().min(1).max(10_000).default(20),
  [Env.PAUSE_SECS]: z.coerce.number().int().min(1).max(900).default(60),
  [Env.MAX_PAUSES]: z.coerce.number().int().min(0).max(100).default(5),
});

export interface CloudSettings {
  portalUrl: string;
  profile: PortalProfile;
  maxAttempts: number;
  vehicleTimeoutMs: number;
  stepTimeoutMs: number;
  stallPolls: number;
  /** A paused run waits this long between resume probes; a parked message stays hidden as long. */
  pauseSecs: number;
  /** Resume probes that may fail in a row before the run gives up as paused. */
  maxPauses: number;
}

export function cloudSettings(env: NodeJS.ProcessEnv = process.env): CloudSettings {
  const parsed = CloudSettingsSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`bad Lambda environment ${String(issue.path[0])}: ${issue.message}`);
  }
  const s = parsed.data;
  return {
    portalUrl: s.PORTAL_URL,
    profile: getProfile(s.PROFILE),
    maxAttempts: s.MAX_ATTEMPTS,
    vehicleTimeoutMs: s.VEHICLE_TIMEOUT_SECS * 1000,
    stepTimeoutMs: s.STEP_TIMEOUT_SECS * 1000,
    stallPolls: s.STALL_POLLS,
    pauseSecs: s.PAUSE_SECS,
    maxPauses: s.MAX_PAUSES,
  };
}

/** What a warm Lambda container keeps between invocations: clients, one browser, the session. */
export interface CloudRuntime {
  settings: CloudSettings;
  aws: AwsAdapters;
  ctx: StepContext;
  pool: PagePool;
  session: SessionManager;
  retry: RetryPolicy;
  /** The run's circuit breaker, shared with every other container through the session table. */
  breaker: SharedCircuitBreaker;
  /** This container; the report's per-worker rows group by it. */
  workerId: string;
  /** Page lanes for concurrent records (one in a real Lambda; several in the offline run). */
  lanes: LaneIds;
}

/** Hands out the lowest free lane id, so concurrent work never shares a page. */
export class LaneIds {
  readonly #busy = new Set<string>();
  constructor(private readonly prefix: string) {}
  acquire(): string {
    for (let i = 1; ; i += 1) {
      const id = `${this.prefix}-${i}`;
      if (!this.#busy.has(id)) {
        this.#busy.add(id);
        return id;
      }
    }
  }
  release(id: string): void {
    this.#busy.delete(id);
  }
}

/**
 * First retry delay of a vehicle in the cloud (full jitter, doubling). SQS visibility counts
 * whole seconds, and a retry some seconds later gives the shared circuit breaker time to see
 * a portal-wide failure before a vehicle's attempts run out.
 */
export const CLOUD_RETRY_BASE_DELAY_MS = 5000;

let runtime: CloudRuntime | undefined;

/** The container's runtime, built on first use (module scope survives warm invocations). */
export function cloudRuntime(): CloudRuntime {
  runtime ??= createRuntime();
  return runtime;
}

/** Close the browser and forget the runtime (tests that change the environment between cases). */
export async function resetCloudRuntime(): Promise<void> {
  const current = runtime;
  runtime = undefined;
  await current?.pool.close();
}

function createRuntime(): CloudRuntime {
  const settings = cloudSettings();
  const aws = fromEnv();
  const ctx: StepContext = { baseUrl: settings.portalUrl, stepTimeoutMs: settings.stepTimeoutMs };
  // Inside Lambda the @sparticuz arguments (single process) fit the sandbox; elsewhere
  // (the offline run) the local ones do.
  const target = process.env.AWS_LAMBDA_FUNCTION_NAME ? 'lambda' : 'local';
  const pool = new PagePool({
    // Loaded on first use: Progress and Report never start a browser and ship without one.
    launch: async () => (await import('../browser/launch.js')).launchBrowser({ target }),
    blockResources: settings.profile.blockResources,
    stepTimeoutMs: settings.stepTimeoutMs,
  });
  const workerId = process.env.AWS_LAMBDA_LOG_STREAM_NAME?.slice(-8) || `c-${randomUUID().slice(0, 8)}`;
  let session: SessionManager | undefined;
  let breaker: SharedCircuitBreaker | undefined;
  return {
    settings,
    aws,
    ctx,
    pool,
    // Built on first use, so functions without the session table (Progress) need none.
    get session() {
      session ??= new SessionManager({
        store: aws.sessionStore,
        ownerId: workerId,
        login: async () => loginInBrowser(await pool.browser(), settings.profile, await aws.credentials.load(), ctx),
      });
      return session;
    },
    retry: new RetryPolicy({ maxAttempts: settings.maxAttempts, baseDelayMs: CLOUD_RETRY_BASE_DELAY_MS }),
    get breaker() {
      breaker ??= new SharedCircuitBreaker({ store: aws.breaker });
      return breaker;
    },
    workerId,
    lanes: new LaneIds('download'),
  };
}
