import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { fromEnv, type AwsAdapters } from '../adapters/aws/index.js';
import { PagePool } from '../browser/page-pool.js';
import { InputError } from '../core/errors.js';
import { PathFetcher } from '../core/pipeline/path-fetcher.js';
import { RetryPolicy } from '../core/pipeline/retry-policy.js';
import { fetchDocumentDirect } from '../core/portal/direct-document.js';
import { resolveFetchMode } from '../core/portal/fetch-mode.js';
import { SharedCircuitBreaker } from '../core/pipeline/shared-breaker.js';
import type { PortalProfile, StepContext } from '../core/portal/profile.js';
import { SessionManager } from '../core/portal/session-manager.js';
import { fetchDocumentInPage, loginInBrowser } from '../core/portal/steps.js';
import { PdfVerifier } from '../core/verify/index.js';
import { DirectFetcher } from '../http/direct-fetcher.js';
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
  /**
   * Fetches one vehicle's document on a lane: the profile's direct URL over HTTP with the
   * session cookies when it has one (no page opened), the vehicle page otherwise or as the
   * per-vehicle fallback.
   */
  fetcher: PathFetcher;
  /** The run's circuit breaker, shared with every other container through the session table. */
  breaker: SharedCircuitBreaker;
  /** Verifies downloaded PDFs in a worker thread (started on first use). */
  verifier: PdfVerifier;
  /** Close the browser, the direct path's sockets and the verifier's thread. */
  close(): Promise<void>;
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
  await current?.close();
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
  let fetcher: { fetcher: PathFetcher; close: () => Promise<void> } | undefined;
  let verifier: PdfVerifier | undefined;
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
    get fetcher() {
      fetcher ??= cloudFetcher(settings, ctx, pool);
      return fetcher.fetcher;
    },
    close: async () => {
      await Promise.all([pool.close(), fetcher?.close(), verifier?.close()]);
    },
    get breaker() {
      breaker ??= new SharedCircuitBreaker({ store: aws.breaker });
      return breaker;
    },
    get verifier() {
      // One thread: a Lambda container handles one message at a time.
      verifier ??= new PdfVerifier({ threads: 1 });
      return verifier;
    },
    workerId,
    lanes: new LaneIds('download'),
  };
}

/** Sockets to the portal per container: a real Lambda handles one message at a time. */
const DIRECT_CONNECTIONS = 4;

function cloudFetcher(settings: CloudSettings, ctx: StepContext, pool: PagePool): { fetcher: PathFetcher; close: () => Promise<void> } {
  const mode = resolveFetchMode(settings.profile);
  const http = mode === 'browser' ? undefined : new DirectFetcher({ connections: DIRECT_CONNECTIONS, stepTimeoutMs: settings.stepTimeoutMs });
  const fetcher = new PathFetcher({
    mode,
    browser: {
      async fetch(lane, vehicle, session) {
        const { page, version } = await pool.page(lane, session);
        return fetchDocumentInPage(page, settings.profile, vehicle, ctx, version);
      },
      recycle: (lane) => pool.recycle(lane),
    },
    ...(http ? { direct: (vehicle, session) => fetchDocumentDirect(http.get, settings.profile, vehicle, ctx, session) } : {}),
  });
  return { fetcher, close: async () => http?.close() };
}
