/** What one chaos scenario measured, and whether its invariants held. */
export interface ScenarioResult {
  scenario: string;
  vehicles: number;
  done: number;
  failed: number;
  /** The most common error_reason among FAILED rows, with its count. */
  topFailReason?: string;
  /** FAILED rows with no error_reason (must be 0). */
  failedWithoutReason: number;
  /** Always 0 locally (no dead-letter queue); kept for the cloud half's table. */
  inDlq: number;
  lost: number;
  duplicates: number;
  wrong: number;
  wallSeconds: number;
  /** Scenario-specific assertions that failed (empty = all held). */
  problems: string[];
  /** Extra measurements worth printing (logins, breaker opens, kills...). */
  notes: Record<string, number | string>;
  ok: boolean;
}

export interface ScenarioOptions {
  /** Inventory size override (--vehicles). */
  vehicles?: number;
  log: (line: string) => void;
}

export interface Scenario {
  name: string;
  description: string;
  defaultVehicles: number;
  run(options: ScenarioOptions): Promise<Omit<ScenarioResult, 'ok' | 'wallSeconds'>>;
}
