import type { Node } from 'constructs';
import { contextKeys, defaultSettings, resolveSettings, type CloudSettingValues } from '../settings/index.js';

/**
 * The knobs of the fleetpdf stack: the cloud settings of lib/settings (each with its doc,
 * unit and default), read from CDK context (`cdk.json`'s `context`, or
 * `npx cdk deploy -c key=value`). Values given with `-c` arrive as strings and are coerced;
 * everything is checked before a single resource is defined, and a bad value stops the synth
 * with one line naming the key (`fleetpdf: bad CDK context value: <key>: ...`).
 */
export type FleetPdfOptions = CloudSettingValues;

/** The stack's defaults (the cloud defaults of lib/settings). */
export const DEFAULT_OPTIONS: FleetPdfOptions = defaultSettings('cloud');

/** Checks raw option values (strings from `-c`, or typed values from cdk.json) and fills in defaults. */
export function parseOptions(raw: Readonly<Record<string, unknown>>): FleetPdfOptions {
  return resolveSettings('cloud', 'context', raw);
}

/** The stack options from CDK context, with `overrides` (e.g. from code) taking precedence. */
export function optionsFromContext(node: Node, overrides: Partial<FleetPdfOptions> = {}): FleetPdfOptions {
  const raw: Record<string, unknown> = {};
  for (const key of contextKeys()) {
    const value = node.tryGetContext(key) as unknown;
    if (value !== undefined) raw[key] = value;
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) raw[key] = value;
  }
  return parseOptions(raw);
}
