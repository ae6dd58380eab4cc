import { asciiTable, dollars, fixed, percent } from './ascii-table.js';
import type { VariantMeasurement } from './browser-variants.js';
import type { CloudRunEstimate } from './cloud-model.js';
import type { MachineInfo } from './machine.js';
import { observedPath, REQUESTS_PER_VEHICLE, vehicleLatencySecs, type FetchPath, type PortalShape, type SettingSummary } from './measurements.js';

export function formatMachine(m: MachineInfo): string {
  const load = (l: number[]) => (l.length ? l.map((n) => n.toFixed(2)).join(' ') : '-');
  return [
    `machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGb} GB, Node ${m.node}, Chromium ${m.chromium}`,
    `load average at start ${load(m.loadAtStart)}, at end ${load(m.loadAtEnd)}; other Chromium processes at start: ${m.foreignChromiumAtStart}` +
      (m.busy ? '  => BUSY MACHINE: timings are noisy' : ''),
  ].join('\n');
}

/** The portal's per-vehicle latency on each path, as the ideal uses it. */
export function formatPortalShape(portal: PortalShape, paths: readonly FetchPath[]): string {
  const lines = paths.map((path) => {
    const { pages, pdfs } = REQUESTS_PER_VEHICLE[path];
    return `  ${path}: ${vehicleLatencySecs(path, portal).toFixed(2)} s per vehicle (${pages} page x ${portal.pageLatencyMs} ms + ${pdfs} PDF x ${portal.pdfLatencyMs} ms)`;
  });
  const limit = portal.rateLimit === undefined ? 'none' : `${portal.rateLimit} requests in flight (ideal capped at that many vehicles at once)`;
  return [`portal latency (ideal = workers / per-vehicle latency):`, ...lines, `  rate limit: ${limit}`].join('\n');
}

export function formatLocalTable(rows: readonly SettingSummary[]): string {
  const columns = [
    { title: 'path', align: 'left' as const },
    { title: 'workers' },
    { title: 'done' },
    { title: 'veh/h' },
    { title: 'speedup' },
    { title: 'ideal veh/h' },
    { title: 'efficiency' },
    { title: 'p50 s' },
    { title: 'p95 s' },
    { title: 'lowest limit' },
    { title: 'peak MB' },
    { title: 'node MB' },
    { title: 'chromium MB' },
    { title: 'renderers' },
    { title: 'MB/added worker' },
    { title: 'CPU node s' },
    { title: 'CPU chromium s' },
    { title: 'cores used' },
    { title: 'req/veh' },
  ];
  const cells = rows.map((r) => {
    const seen = observedPath(r.directDownloads, r.browserDownloads);
    const path = seen && seen !== r.path ? `${r.path} (!${seen})` : r.path;
    return [
      path,
      String(r.workers),
      `${r.done}/${r.vehicles}`,
      fixed(r.vehiclesPerHour),
      r.speedup === undefined ? '-' : `${r.speedup.toFixed(2)}x`,
      fixed(r.idealPerHour),
      r.efficiencyRange ? `${percent(r.efficiency)} (${percent(r.efficiencyRange[0])}-${percent(r.efficiencyRange[1])})` : percent(r.efficiency),
      fixed(r.report.p50Seconds, 2),
      fixed(r.report.p95Seconds, 2),
      r.report.concurrencyLowest === undefined ? '-' : String(r.report.concurrencyLowest),
      r.spread ? `${fixed(r.peakRssMb)} (${fixed(r.spread.peakRssMb[0])}-${fixed(r.spread.peakRssMb[1])})` : fixed(r.peakRssMb),
      fixed(r.peakNodeMb),
      fixed(r.peakChromiumMb),
      String(r.renderers),
      fixed(r.rssPerAddedWorkerMb, 1),
      fixed(r.cpu.nodeSeconds, 1),
      fixed(r.cpu.chromiumSeconds, 1),
      fixed(r.coresUsed, 2),
      `${r.requestsPerVehicle.pages.toFixed(2)}+${r.requestsPerVehicle.pdfs.toFixed(2)}`,
    ];
  });
  const runs = Math.max(...rows.map((r) => r.runs ?? 1));
  return [
    asciiTable(columns, cells),
    ...(runs > 1 ? [`each figure: the median of ${runs} runs of the setting; (a-b): the lowest and the highest run.`] : []),
    'veh/h: vehicles per hour between the first lease and the last DONE vehicle (login and export excluded).',
    'speedup: over 1 worker on the same path. efficiency: veh/h / ideal veh/h. p50/p95: per-vehicle time from report.json.',
    'peak MB: Node (the bench and the job: one process, as with `npm start`) + every Chromium process, PSS sampled during the run;',
    'the demo portal runs in a process of its own, as a real portal is another machine, and is not counted.',
    'lowest limit: the adaptive concurrency limit\'s lowest value (it steps down on 429s and rising latency).',
    'MB/added worker: (peak MB - peak MB at 1 worker) / (workers - 1). CPU: process.cpuUsage (Node, without the bench\'s',
    'own memory sampling) and /proc (Chromium, after it closed). cores used: (Node + Chromium CPU) / wall time of the run.',
    'req/veh: portal page + PDF requests per DONE vehicle during the downloads (retries included).',
  ].join('\n');
}

export function formatVariantsTable(rows: readonly VariantMeasurement[], workers: number): string {
  const before = rows[0];
  const columns = [
    { title: 'variant', align: 'left' as const },
    { title: 'contexts' },
    { title: 'renderers' },
    { title: 'peak MB' },
    { title: 'chromium MB' },
    { title: 'private MB' },
    { title: 'saves MB' },
    { title: 'saves private MB' },
    { title: 'veh/h' },
    { title: 'failures' },
    { title: 'hung runs' },
  ];
  const cells = rows.map((r) => [
    r.variant,
    fixed(r.contexts),
    fixed(r.renderers),
    fixed(r.peakRssMb),
    fixed(r.peakChromiumMb),
    fixed(r.peakPrivateMb),
    before && r !== before ? fixed(before.peakRssMb - r.peakRssMb) : '-',
    before && r !== before ? fixed(before.peakPrivateMb - r.peakPrivateMb) : '-',
    fixed(r.vehiclesPerHour),
    String(r.failures),
    String(r.hungRuns),
  ]);
  return [
    asciiTable(columns, cells),
    `${workers} workers; medians of ${rows[0]?.runs ?? 0} runs per variant. peak MB: Node + Chromium (PSS); chromium MB: Chromium alone;`,
    'private MB: pages no other process maps (steady when other Chromiums on the machine share the libraries).',
    'saves: against the first row. veh/h is noisy on a shared machine; failures: documents not verified (recycled and counted);',
    'hung runs: runs stopped for not finishing in time, left out of the medians.',
  ].join('\n');
}

export interface CloudInputs {
  perVehicleSecs: number;
  perVehicleSource: string;
  coldStartSecs: number;
  coldStartSource: string;
  nodeColdStartSecs: number;
  portalSetupSecs: number;
  portalSetupSource: string;
  awsRequestMs: number;
  portalRateLimit?: number;
  stackLine: string;
  pricesLine: string;
}

export function formatCloudInputs(i: CloudInputs): string {
  return [
    `per-vehicle time: ${i.perVehicleSecs.toFixed(2)} s (${i.perVehicleSource})`,
    `browser container cold start: ${i.coldStartSecs.toFixed(2)} s (${i.coldStartSource}); without a browser: ${i.nodeColdStartSecs.toFixed(2)} s`,
    `login + inventory export: ${i.portalSetupSecs.toFixed(2)} s (${i.portalSetupSource}); one AWS call: ${i.awsRequestMs} ms (assumed)`,
    `portal rate limit: ${i.portalRateLimit === undefined ? 'none' : `${i.portalRateLimit} requests at once`}`,
    `stack: ${i.stackLine}`,
    `prices: ${i.pricesLine}`,
  ].join('\n');
}

export function formatCloudTable(rows: readonly CloudRunEstimate[]): string {
  const columns = [
    { title: 'vehicles' },
    { title: 'concurrency' },
    { title: 'effective' },
    { title: 'wall min' },
    { title: 'ideal+cold min' },
    { title: 'ratio' },
    { title: 'cold starts' },
    { title: 'polls' },
    { title: 'Lambda' },
    { title: 'SQS' },
    { title: 'S3' },
    { title: 'DynamoDB' },
    { title: 'Step Fns' },
    { title: 'total' },
    { title: 'per 1k veh' },
  ];
  const cells = rows.map((r) => [
    String(r.vehicles),
    String(r.concurrency),
    `${r.effectiveConcurrency}${r.cappedByPortal ? ' (portal)' : ''}`,
    fixed(r.wallSecs / 60, 1),
    fixed(r.idealWithColdStartSecs / 60, 1),
    `${r.ratio.toFixed(2)}${r.ratio > 1.2 ? ' !' : ''}`,
    String(r.coldStarts),
    String(r.polls),
    dollars(r.cost.lambdaCompute + r.cost.lambdaRequests),
    dollars(r.cost.sqs),
    dollars(r.cost.s3),
    dollars(r.cost.dynamodb),
    dollars(r.cost.stepFunctions),
    dollars(r.cost.total),
    dollars((r.cost.total / r.vehicles) * 1000),
  ]);
  return [
    asciiTable(columns, cells),
    'wall: Login + Enqueue + downloads (event source scaling 5 + 300/min, a cold start per container) + until the next poll + Report.',
    'ideal+cold: vehicles x per-vehicle time / effective concurrency + one cold start. ratio: wall / ideal+cold (! above 1.2).',
    'cost: Lambda GB-s (INIT included) + requests, SQS requests, S3 PUT/GET (one `cloud pull` of every PDF), DynamoDB on-demand, Step Functions transitions.',
  ].join('\n');
}

/** The seeds' case: a verdict line for the 12-minute and 1.2x targets. */
export function formatSeedsCase(r: CloudRunEstimate, perVehicleSecs: number, minutesTarget: number, ratioTarget: number): string {
  const minutes = r.wallSecs / 60;
  const ok = minutes <= minutesTarget && r.ratio <= ratioTarget;
  const p = r.phases;
  return [
    `seeds' case: ${r.vehicles} vehicles at ${perVehicleSecs} s/vehicle, concurrency ${r.concurrency}:`,
    `  wall ${minutes.toFixed(1)} min (target <= ${minutesTarget}); ideal + cold start ${(r.idealWithColdStartSecs / 60).toFixed(1)} min; ratio ${r.ratio.toFixed(3)} (target <= ${ratioTarget})`,
    `  phases: setup ${p.setupSecs.toFixed(1)} s, downloads ${p.downloadSecs.toFixed(1)} s, until noticed ${p.noticeSecs.toFixed(1)} s, report ${p.reportSecs.toFixed(1)} s; ${r.coldStarts} cold starts, ${r.polls} polls`,
    `  cost ${dollars(r.cost.total)} (Lambda ${dollars(r.cost.lambdaCompute + r.cost.lambdaRequests)}, SQS ${dollars(r.cost.sqs)}, S3 ${dollars(r.cost.s3)}, ` +
      `DynamoDB ${dollars(r.cost.dynamodb)}, Step Functions ${dollars(r.cost.stepFunctions)}) = ${dollars((r.cost.total / r.vehicles) * 1000)} per 1,000 vehicles`,
    `  => ${ok ? 'MEETS' : 'MISSES'} the targets`,
    ...r.warnings.map((w) => `  ! ${w}`),
  ].join('\n');
}
