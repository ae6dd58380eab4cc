import type { z } from 'zod';

/** Where a setting applies: the local run (`fleetpdf run`) or the cloud stack (Lambdas, CDK). */
export type Runtime = 'local' | 'cloud';

/** Where a value was read from; errors name the setting the way that source spells it. */
export type SettingSource = 'cli' | 'env' | 'context';

/** The CLI commands a local setting is a flag of. */
export type CliCommand = 'run' | 'portal' | 'check';

/** A setting of the local run: a `fleetpdf` flag. */
export interface LocalSpec<In> {
  /** The flag with its value name, as commander takes it: `--attempts <n>`, `--new`, `--no-block-resources`. */
  readonly flag: string;
  /** @default - none: the setting is optional (the doc says what its absence means) */
  readonly default?: In;
  /** @default ['run'] */
  readonly commands?: readonly CliCommand[];
}

/** A setting of the cloud stack: a CDK context key (its own name) and/or a Lambda environment variable. */
export interface CloudSpec<In> {
  /** @default - none: the setting is optional */
  readonly default?: In;
  /** Set with `cdk deploy -c <name>=...` or cdk.json's `context`. */
  readonly context?: boolean;
  /** Passed to every function as the environment variable `envName(<name>)`. */
  readonly env?: boolean;
}

/** One tunable: its name (the key, with its unit), a one-line doc, its schema and where it applies. */
export interface SettingDefinition<S extends z.ZodType = z.ZodType> {
  readonly doc: string;
  /** Checks and coerces a raw value (strings from flags, `-c` and the environment). */
  readonly schema: S;
  readonly local?: LocalSpec<z.input<S>>;
  readonly cloud?: CloudSpec<z.input<S>>;
}
