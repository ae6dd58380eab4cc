import { randomUUID } from 'node:crypto';
import { awsAdapters, type AwsAdapters } from '../adapters/aws/index.js';
import { PagePool } from '../browser/page-pool.js';
import { attemptPolicy, type AttemptPolicy } from '../core/attempt/index.js';
import { CircuitBreaker } from '../core/breaker/index.js';
import { InputError } from '../core/errors.js';
import { PathFetcher } from '../core/pipeline/path-fetcher.js';
import { fetchDocumentDirect } from '../core/portal/direct-document.js';
import { resolveFetchMode } from '../core/portal/fetch-mode.js';
import type { PortalProfile, StepContext } from '../core/portal/profile.js';
import { SessionManager } from '../core/portal/session-manager.js';
import { fetchDocumentInPage, loginInBrowser } from '../core/portal/steps.js';
import { PdfVerifier, verifierOptions } from '../core/verify/index.js';
import { DirectFetcher } from '../http/direct-fetcher.js';
import { resolveProfile, type ProfileSource } from '../profiles/load.js';
import {
  cloudTimings,
  rawFromEnv,
  resolveSettings,
  SettingError,
  type CloudSettingValues,
  type CloudTimings,
} from '../settings/index.js';

/** The cloud settings (lib/settings) from a function's environment, with what follows from them. */
export interface CloudSettings extends CloudSettingValues {
  /** The profile object the `profile` setting names. */
  portalProfile: PortalProfile;
  /** The user's file the profile came from (bundled with `cdk deploy -c profile=./acme.ts`). */
  profileSource?: ProfileSource;
  timings: CloudTimings;
}

/** Read and check the settings the stack passes as environment variables; a bad one is one InputError line. */
export function cloudSettings(env: Readonly<Record<string, string | undefined>>): CloudSettings {
  let values: CloudSettingValues;
  try {
    values = resolveSettings('cloud', 'env', rawFromEnv(env));
  } catch (error) {
    if (error instanceof SettingError) throw new InputError(error.message);
    throw error;
  }
  // Sync: a Lambda's profile file is in its bundle; tests and the offline run loadProfile() it first.
  const { profile, source } = resolveProfile(values.profile);
  return { ...values, portalProfile: profile, ...(source ? { profileSource: source } : {}), timings: cloudTimings(values) };
}

/**
 * What a Lambda container keeps between invocations: settings, clients, one browser, the
 * session, one breaker per run. Made by each handler file (lambdas/*.ts) once, at module
 * scope, from process.env; tests make their own from the environment they set up. Every
 * part is built on first use, so Progress and Report never start a browser.
 */
export interface CloudRuntime {
  readonly settings: CloudSettings;
  readonly aws: AwsAdapters;
  readonly ctx: StepContext;
  readonly pool: PagePool;
  readonly session: SessionManager;
  readonly policy: AttemptPolicy;
  /**
   * Fetches one vehicle's document on a lane: the profile's direct URL over HTTP with the
   * session cookies when it has one (no page opened), the vehicle page otherwise or as the
   * per-vehicle fallback.
   */
  readonly fetcher: PathFetcher;
  /** Verifies downloaded PDFs in a worker thread (started on first use, one per container). */
  readonly verifier: PdfVerifier;
  /** The run's circuit breaker, shared with every other container through the session table. */
  breaker(runId: string): CircuitBreaker;
  /** This container; the report's per-worker rows group by it. */
  readonly workerId: string;
  /** Page lanes for concurrent records (one in a real Lambda; several in the offline run). */
  readonly lanes: LaneIds;
  /** Close the browser, the direct path's sockets, the verifier's thread and the AWS clients. */
  close(): Promise<void>;
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

/** A breaker read from the shared store is trusted this long: one read per message would double the table's load. */
const BREAKER_STATE_CACHE_MS = 2000;

/** A container's runtime for the environment `env` (the stack's variables, or a test's). */
export function createCloudRuntime(env: Readonly<Record<string, string | undefined>> = process.env): CloudRuntime {
  const memo = new Map<string, unknown>();
  const once = <T>(key: string, create: () => T): T => {
    if (!memo.has(key)) memo.set(key, create());
    return memo.get(key) as T;
  };
  const settings = (): CloudSettings => once('settings', () => cloudSettings(env));
  const aws = (): AwsAdapters => once('aws', () => awsAdapters(env, { breakerBucketSecs: settings().breakerBucketSecs }));
  const ctx = (): StepContext => once('ctx', () => ({
    baseUrl: settings().portalUrl,
    stepTimeoutMs: settings().stepTimeoutSecs * 1000,
    maxPdfBytes: settings().maxPdfMb * 1024 * 1024,
  }));
  const pool = (): PagePool =>
    once('pool', () => {
      // Inside Lambda the @sparticuz arguments (single process) fit the sandbox; elsewhere
      // (the offline run) the local ones do.
      const target = env.AWS_LAMBDA_FUNCTION_NAME ? 'lambda' : 'local';
      return new PagePool({
        // Loaded on first use: Progress and Report never start a browser and ship without one.
        launch: async () => (await import('../browser/launch.js')).launchBrowser({ target }),
        blockResources: settings().portalProfile.blockResources,
        stepTimeoutMs: ctx().stepTimeoutMs,
      });
    });
  const workerId = env.AWS_LAMBDA_LOG_STREAM_NAME?.slice(-8) || `c-${randomUUID().slice(0, 8)}`;
  const breakers = new Map<string, CircuitBreaker>();
  let direct: DirectFetcher | undefined;

  return {
    get settings() {
      return settings();
    },
    get aws() {
      return aws();
    },
    get ctx() {
      return ctx();
    },
    get pool() {
      return pool();
    },
    get session() {
      return once(
        'session',
        () =>
          new SessionManager({
            store: aws().sessionStore,
            ownerId: workerId,
            login: async () => {
              // The secret first: a run doomed by a missing or placeholder secret should not unpack Chromium first.
              const credentials = await aws().credentials.load();
              return loginInBrowser(await pool().browser(), settings().portalProfile, credentials, ctx());
            },
          }),
      );
    },
    get policy() {
      return once('policy', () => attemptPolicy(settings()));
    },
    get fetcher() {
      return once('fetcher', () => {
        const s = settings();
        const mode = resolveFetchMode(s.portalProfile, s.fetchMode);
        if (mode !== 'browser') direct = new DirectFetcher({ connections: s.directConnections, stepTimeoutMs: ctx().stepTimeoutMs, maxBodyBytes: s.maxPdfMb * 1024 * 1024 });
        const http = direct;
        return new PathFetcher({
          mode,
          browser: {
            async fetch(lane, vehicle, session) {
              const { page, version } = await pool().page(lane, session);
              return fetchDocumentInPage(page, s.portalProfile, vehicle, ctx(), version);
            },
            recycle: (lane) => pool().recycle(lane),
          },
          ...(http ? { direct: (vehicle, session) => fetchDocumentDirect(http.get, s.portalProfile, vehicle, ctx(), session) } : {}),
        });
      });
    },
    get verifier() {
      // One thread: a real Lambda handles one message at a time.
      return once('verifier', () => new PdfVerifier({ ...verifierOptions(settings()), threads: 1 }));
    },
    breaker(runId: string) {
      let breaker = breakers.get(runId);
      if (!breaker) {
        const s = settings();
        breaker = new CircuitBreaker({
          store: aws().breaker,
          runId,
          minSamples: s.breakerMinSamples,
          errorRatio: s.breakerErrorRatio,
          stateCacheMs: BREAKER_STATE_CACHE_MS,
        });
        breakers.set(runId, breaker);
      }
      return breaker;
    },
    workerId,
    lanes: new LaneIds('download'),
    async close() {
      const closing: Promise<unknown>[] = [];
      if (memo.has('pool')) closing.push(pool().close());
      if (memo.has('verifier')) closing.push((memo.get('verifier') as PdfVerifier).close());
      if (direct) closing.push(direct.close());
      await Promise.all(closing);
      if (memo.has('aws')) aws().destroy();
      memo.clear();
      breakers.clear();
      direct = undefined;
    },
  };
}
