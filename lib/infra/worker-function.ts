import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Size, Validations } from 'aws-cdk-lib';
import { type Grant, type IGrantable, type IPrincipal, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionName, HandlerEntry, type ResourceEnvName } from '../contracts/index.js';
import { WORKER_ENTRY } from '../core/verify/worker-launch.js';
import { settingsEnvironment, type CloudSettingValues } from '../settings/index.js';
import { acknowledgeStarResource } from './nag.js';
import { profileBundle, type ProfileBundle } from './profile-entry.js';

/** CloudWatch namespace of the handlers' Powertools metrics (EMF). */
export const METRICS_NAMESPACE = 'FleetPdf';
/** Powertools service name of every handler (logs and the metrics' `service` dimension). */
export const SERVICE_NAME = 'fleetpdf';

/** The npm packages a browser function gets installed beside its bundle (never bundled by esbuild). */
export const BROWSER_NODE_MODULES = ['@sparticuz/chromium', 'playwright-core'] as const;

/** esbuild settings of every function (exported for the bundle load test). */
export const ESBUILD_TARGET = 'node22';
export const ESBUILD_MAIN_FIELDS = ['module', 'main'] as const;
/**
 * Left out of every bundle: the Lambda Node.js 22 runtime provides the AWS SDK; esbuild only
 * loads profile files from disk, which a Lambda never does (its profile file is bundled).
 */
export const RUNTIME_PROVIDED_MODULES = ['@aws-sdk/*', 'esbuild'] as const;

/**
 * ESM bundles have no `require`; some dependencies still call it (Node built-ins through
 * CommonJS shims). Defines one from `import.meta.url`, under a name esbuild does not use.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __fleetpdfCreateRequire } from 'node:module'; const require = __fleetpdfCreateRequire(import.meta.url);";

/** Entry of the PDF verification worker thread, relative to the repository root. */
export const PDF_WORKER_ENTRY = 'lib/core/verify/pdf-worker.ts';
/** What the verification worker is called beside a bundle's `index.mjs` (lib/core/verify/worker-launch.ts looks for it). */
export const PDF_WORKER_BUNDLE = `${WORKER_ENTRY}.mjs`;

/**
 * The shell command (CDK's afterBundling hook) that bundles the verification worker thread
 * into the asset beside `index.mjs`: a worker is a file of its own, which a one-entry bundle
 * cannot hold. Same esbuild settings as the function; pdf.js is bundled into it (statically
 * imported, so its "fake worker" needs no import by path).
 */
export function pdfWorkerBundleCommand(inputDir: string, outputDir: string): string {
  return [
    'npx --no-install esbuild',
    shellQuote(`${inputDir}/${PDF_WORKER_ENTRY}`),
    '--bundle',
    '--platform=node',
    '--format=esm',
    `--target=${ESBUILD_TARGET}`,
    `--main-fields=${ESBUILD_MAIN_FIELDS.join(',')}`,
    '--minify',
    '--sourcemap',
    '--log-level=warning',
    ...RUNTIME_PROVIDED_MODULES.map((m) => shellQuote(`--external:${m}`)),
    shellQuote(`--banner:js=${ESM_REQUIRE_BANNER}`),
    shellQuote(`--outfile=${outputDir}/${PDF_WORKER_BUNDLE}`),
  ].join(' ');
}

function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The repository root: the nearest folder above this file that holds package-lock.json. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package-lock.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('fleetpdf: cannot find the project root (no package-lock.json above lib/infra)');
    dir = parent;
  }
}

export interface WorkerFunctionProps {
  /** Which handler of `HandlerEntry` (lib/contracts) this function runs. */
  readonly name: FunctionName;
  /**
   * Drives a headless Chromium: gets the browser packages beside the bundle (see `nodeModules`)
   * and room in /tmp for the unpacked browser (~200 MB).
   * @default false
   */
  readonly browser?: boolean;
  /**
   * npm packages left out of the esbuild bundle and npm-installed beside it (CDK runs
   * `npm install` in the bundle folder at synth). Any function whose handler imports
   * playwright-core, even without launching a browser, needs it here: bundled, playwright-core
   * fails on load (`Cannot find module '../package.json'`).
   * @default BROWSER_NODE_MODULES for browser functions, none otherwise
   */
  readonly nodeModules?: readonly string[];
  /**
   * Verifies PDFs (PdfVerifier): gets the verification worker thread's bundle,
   * `pdf-worker.mjs`, beside its own (see `pdfWorkerBundleCommand`).
   * @default false
   */
  readonly pdfVerifier?: boolean;
  /** Memory in MB (CPU scales with it; Chromium wants 2048). */
  readonly memorySizeMb: number;
  /** Timeout of one invocation, in seconds. */
  readonly timeoutSecs: number;
  /**
   * Size of /tmp in MB.
   * @default 1024 for browser functions, 512 otherwise
   */
  readonly ephemeralStorageMb?: number;
  /**
   * Concurrency reserved for (and capping) this function.
   * @default - none: the function shares the account's unreserved pool
   */
  readonly reservedConcurrentExecutions?: number;
  /** The stack's settings: every function gets those that are Lambda environment variables (lib/settings). */
  readonly settings: CloudSettingValues;
  /**
   * The resources it uses, by the `ResourceEnv` names of lib/contracts. Secrets never go here;
   * a function gets a secret's name in `CREDENTIALS_SECRET` and reads it at run time.
   */
  readonly environment: Partial<Record<ResourceEnvName, string>>;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Repository root holding the handler entries and package-lock.json.
   * @default projectRoot()
   */
  readonly projectRoot?: string;
}

/**
 * One of the stack's Lambda handlers: Node.js 22 on x86_64 (the Chromium binary of
 * `@sparticuz/chromium` is x86_64 only), bundled locally by esbuild as ESM (no Docker), X-Ray
 * tracing, Powertools settings, its own log group with a retention, and its own role that
 * may only write to that log group until a construct grants it more.
 */
export class WorkerFunction extends Construct implements IGrantable {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly name: FunctionName;
  readonly timeout: Duration;
  /** Drives a headless Chromium. */
  readonly browser: boolean;
  /** npm packages installed beside the bundle instead of bundled. */
  readonly nodeModules: readonly string[];
  /** Ships the PDF verification worker beside its bundle. */
  readonly pdfVerifier: boolean;
  /** The user's profile file bundled into it (`-c profile=./acme.ts`), and the entry that carries it. */
  readonly profileBundle: ProfileBundle | undefined;

  constructor(scope: Construct, id: string, props: WorkerFunctionProps) {
    super(scope, id);
    const root = props.projectRoot ?? projectRoot();
    const browser = props.browser ?? false;
    this.browser = browser;
    this.nodeModules = [...(props.nodeModules ?? (browser ? BROWSER_NODE_MODULES : []))];
    this.pdfVerifier = props.pdfVerifier ?? false;
    this.name = props.name;
    this.timeout = Duration.seconds(props.timeoutSecs);
    this.profileBundle = profileBundle(root, props.name, props.settings.profile);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An own role instead of the default one with AWSLambdaBasicExecutionRole (logs:* on
    // every log group): this function may write to its own log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `fleetpdf ${props.name} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: this.profileBundle?.entry ?? join(root, HandlerEntry[props.name]),
      handler: 'handler',
      projectRoot: root,
      depsLockFilePath: join(root, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.X86_64,
      memorySize: props.memorySizeMb,
      timeout: this.timeout,
      ephemeralStorageSize: Size.mebibytes(props.ephemeralStorageMb ?? (browser ? 1024 : 512)),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      description: `fleetpdf ${props.name}`,
      environment: {
        ...settingsEnvironment(props.settings),
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: ESBUILD_TARGET,
        mainFields: [...ESBUILD_MAIN_FIELDS],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        // The Node.js 22 runtime ships AWS SDK v3.
        externalModules: [...RUNTIME_PROVIDED_MODULES],
        nodeModules: this.nodeModules.length > 0 ? [...this.nodeModules] : undefined,
        ...(this.profileBundle
          ? {
              esbuildArgs: this.profileBundle.esbuildArgs,
              // A profile file outside the project imports packages (zod, otplib, ...) from the project's node_modules.
              environment: { NODE_PATH: join(root, 'node_modules') },
            }
          : {}),
        commandHooks: this.pdfVerifier
          ? {
              beforeBundling: () => [],
              beforeInstall: () => [],
              afterBundling: (inputDir, outputDir) => [pdfWorkerBundleCommand(inputDir, outputDir)],
            }
          : undefined,
      },
    });

    acknowledgeStarResource(
      this.role,
      'Only the X-Ray statement CDK adds for active tracing (xray:PutTraceSegments, PutTelemetryRecords, ' +
        'GetSamplingRules, GetSamplingTargets): X-Ray has no resource-level permissions.',
    );
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x on purpose: the bundled @sparticuz/chromium (147.x, the last release for Node 20 ' +
        'development machines) and playwright-core are tested on Node 22; move to the next runtime together with them.',
    });
  }

  get grantPrincipal(): IPrincipal {
    return this.role;
  }

  /** Lets `grantee` invoke this function. */
  grantInvoke(grantee: IGrantable): Grant {
    return this.function.grantInvoke(grantee);
  }
}
