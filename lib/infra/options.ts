import type { Node } from 'constructs';
import { z } from 'zod';

/**
 * The knobs of the fleetpdf stack, read from CDK context (`cdk.json`'s `context`, or
 * `npx cdk deploy -c key=value`). Values given with `-c` arrive as strings, so numbers and
 * booleans are coerced; everything is checked before a single resource is defined, and a bad
 * value stops the synth with an error naming the key (`fleetpdf: bad CDK context value: ...`).
 */
export interface FleetPdfOptions {
  /**
   * The CloudFormation stack name (also the CDK construct id, so `npx cdk deploy <name>` works).
   * `fleetpdf cloud` finds the stack's outputs by this name.
   * @default 'FleetPdf'
   */
  readonly stackName: string;
  /**
   * Base URL of the dealer portal the Lambdas log in to. Required for a real deploy; the
   * placeholder default only lets `cdk synth` run on a fresh checkout.
   * @default 'https://portal.example.com'
   */
  readonly portalUrl: string;
  /**
   * Portal profile name (URLs, selectors, steps) from lib/profiles.
   * @default 'dealer-values'
   */
  readonly profile: string;
  /**
   * Most downloader Lambdas running at once: the SQS event source mapping's
   * `ScalingConfig.MaximumConcurrency` (AWS allows 2..1000). Each one drives one headless
   * Chromium against the portal, so this is also the portal's peak parallel load.
   * @default 10
   */
  readonly downloaderConcurrency: number;
  /**
   * Name of an existing Secrets Manager secret holding `{"username": ..., "password": ...}`.
   * @default - the stack creates a secret with username `CHANGE_ME` and a generated password;
   *   the operator sets the real values after the first deploy.
   */
  readonly credentialsSecretName?: string;
  /**
   * Empty and delete the PDF bucket (and its access-log bucket) with the stack. Off by
   * default: downloaded PDFs outlive a `cdk destroy` unless asked otherwise.
   * @default false
   */
  readonly autoDeleteObjects: boolean;
  /**
   * Days after which objects under `runs/` (PDFs and reports) expire.
   * @default 90
   */
  readonly runRetentionDays: number;
  /**
   * Attempts per vehicle (1..20): the DLQ's `maxReceiveCount` and the Lambdas' `MAX_ATTEMPTS`.
   * @default 3
   */
  readonly maxAttempts: number;
  /**
   * Seconds a run paused by the circuit breaker waits before each resume probe (10..900;
   * a parked message is hidden as long, and SQS delays at most 900 s).
   * @default 60
   */
  readonly pauseSecs: number;
  /**
   * E-mail address subscribed to the alarm topic (AWS sends a confirmation mail first).
   * @default - no subscription; the topic is created all the same
   */
  readonly alarmEmail?: string;
}

/** The context keys, for docs and error messages. */
export const ContextKey = {
  STACK_NAME: 'stackName',
  PORTAL_URL: 'portalUrl',
  PROFILE: 'profile',
  DOWNLOADER_CONCURRENCY: 'downloaderConcurrency',
  CREDENTIALS_SECRET_NAME: 'credentialsSecretName',
  AUTO_DELETE_OBJECTS: 'autoDeleteObjects',
  RUN_RETENTION_DAYS: 'runRetentionDays',
  MAX_ATTEMPTS: 'maxAttempts',
  PAUSE_SECS: 'pauseSecs',
  ALARM_EMAIL: 'alarmEmail',
} as const satisfies Record<string, keyof FleetPdfOptions>;

export const DEFAULT_OPTIONS = {
  stackName: 'FleetPdf',
  portalUrl: 'https://portal.example.com',
  profile: 'dealer-values',
  downloaderConcurrency: 10,
  autoDeleteObjects: false,
  runRetentionDays: 90,
  maxAttempts: 3,
  pauseSecs: 60,
} as const satisfies Partial<FleetPdfOptions>;

/** `-c flag=true` arrives as the string "true". */
const contextBoolean = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  const text = value.trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  return value;
}, z.boolean());

/** An absent key, `-c key=` (empty string) and JSON null all mean "use the default". */
const unset = (value: unknown): unknown =>
  value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value;

const intBetween = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const FleetPdfOptionsSchema = z
  .object({
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/, 'a letter, then letters, digits or "-", at most 64 characters')
      .default(DEFAULT_OPTIONS.stackName),
    portalUrl: z
      .url({ protocol: /^https?$/, error: 'an http(s) URL' })
      .refine(hasNoUserInfo, 'no user name or password in the URL: put them in the credentials secret')
      .default(DEFAULT_OPTIONS.portalUrl),
    profile: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and "-"')
      .default(DEFAULT_OPTIONS.profile),
    downloaderConcurrency: intBetween(2, 1000).default(DEFAULT_OPTIONS.downloaderConcurrency),
    credentialsSecretName: z
      .string()
      .regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'a Secrets Manager secret name')
      .optional(),
    autoDeleteObjects: contextBoolean.default(DEFAULT_OPTIONS.autoDeleteObjects),
    runRetentionDays: intBetween(1, 3650).default(DEFAULT_OPTIONS.runRetentionDays),
    // The Lambdas accept 1..20 (lib/cloud/runtime.ts).
    maxAttempts: intBetween(1, 20).default(DEFAULT_OPTIONS.maxAttempts),
    pauseSecs: intBetween(10, 900).default(DEFAULT_OPTIONS.pauseSecs),
    alarmEmail: z.email().optional(),
  })
  .strict();

/** Checks raw option values (strings from `-c`, or typed values from cdk.json) and fills in defaults. */
export function parseOptions(raw: Record<string, unknown>): FleetPdfOptions {
  const cleaned = Object.fromEntries(
    Object.entries(raw)
      .map(([key, value]) => [key, unset(value)] as const)
      .filter(([, value]) => value !== undefined),
  );
  const result = FleetPdfOptionsSchema.safeParse(cleaned);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const key = issue.path.join('.') || '(options)';
    return `${key}: ${issue.message}`;
  });
  throw new Error(`fleetpdf: bad CDK context value: ${issues.join('; ')}`);
}

/** The stack options from CDK context, with `overrides` (e.g. from code) taking precedence. */
export function optionsFromContext(node: Node, overrides: Partial<FleetPdfOptions> = {}): FleetPdfOptions {
  const raw: Record<string, unknown> = {};
  for (const key of Object.values(ContextKey)) {
    const value = node.tryGetContext(key) as unknown;
    if (value !== undefined) raw[key] = value;
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) raw[key] = value;
  }
  return parseOptions(raw);
}

/** A URL carrying `user:pass@` would copy the password into every function's environment. */
function hasNoUserInfo(url: string): boolean {
  if (!URL.canParse(url)) return true; // the URL check itself reports it
  const parsed = new URL(url);
  return !parsed.username && !parsed.password;
}
