import { SQS_EVENT_SOURCE_SCALING, type Prices } from './cloud-prices.js';

/**
 * A model of one cloud run (Step Functions + SQS + concurrency-capped Lambda downloaders): its
 * wall time and its bill, from measured durations and the stack's own settings. Pure: no I/O,
 * no clock; the bench feeds it what it measured and what the synthesized stack says.
 *
 * Timeline: Login (cold start, login) -> Enqueue (cold start, export, tracking rows, messages)
 * -> downloads (the SQS event source adds containers as AWS scales it, each pays one cold start
 * before its first vehicle) -> the next progress poll notices the end -> Report.
 */

/** A function's size, as the stack deploys it. */
export interface FunctionSize {
  memoryMb: number;
  /** /tmp size; above 512 MB it is billed. */
  ephemeralMb: number;
}

/** What the synthesized stack says (see stack-settings.ts). */
export interface StackSettings {
  downloader: FunctionSize & {
    timeoutSecs: number;
    /** Messages (vehicles) per invocation. */
    batchSize: number;
    /** The event source mapping's maximum concurrency, as deployed by default. */
    maxConcurrency: number;
  };
  login: FunctionSize;
  enqueue: FunctionSize;
  progress: FunctionSize;
  report: FunctionSize;
  /** Seconds between two progress polls of the state machine. */
  pollIntervalSecs: number;
  /** Conditional PutItems in flight when Enqueue registers the refs. */
  registerConcurrency: number;
  /** SendMessageBatch calls in flight when Enqueue queues the refs. */
  sendConcurrency: number;
}

/** Durations that were measured (or given), in seconds. */
export interface MeasuredDurations {
  /** One vehicle in a warm downloader: page, PDF, verification, storage. */
  perVehicleSecs: number;
  /** A new browser container's start before its first vehicle: Node, Chromium unpack and launch, first page. */
  browserColdStartSecs: number;
  /** A new container of a function without a browser (Progress, Report). */
  nodeColdStartSecs: number;
  /** Login plus inventory export on the portal. */
  portalSetupSecs: number;
  /**
   * One DynamoDB / SQS / S3 call from a Lambda in the same region. Not measured here (no AWS):
   * an assumption the bench states, used only for Enqueue's and Report's bookkeeping.
   */
  awsRequestSecs: number;
}

export interface CloudRunInput {
  vehicles: number;
  /** The downloader concurrency being modelled (the mapping's maximum). */
  concurrency: number;
  /** Requests the portal serves at once; undefined = no limit. */
  portalRateLimit?: number;
  durations: MeasuredDurations;
  stack: StackSettings;
  prices: Prices;
  scaling?: { initialConcurrency: number; addedPerMinute: number };
}

/**
 * API calls of one vehicle on the happy path (one attempt), from the handlers as written:
 * Enqueue registers its row (a BatchGetItem key to find known refs, a conditional PutItem) and
 * sends it in batches of 10; the downloader reads the row (skip if DONE) and the shared session
 * item, marks IN_PROGRESS, puts the PDF, marks DONE; the event source receives and deletes the
 * message. `s3Gets` is one `fleetpdf cloud pull` of the PDF.
 */
export const CALLS_PER_VEHICLE = Object.freeze({
  dynamoWrites: 3,
  dynamoStrongReads: 3,
  sqsSendsPerMessage: 1 / 10,
  s3Puts: 1,
  s3Gets: 1,
});

/** Objects a run writes besides the PDFs: inventory.csv, report.json, report.html, manifest.csv. */
export const S3_PUTS_PER_RUN = 4;

/** Step Functions states entered: Login, Enqueue; per poll Wait, Progress, Finished?; then Report, Gave up?, Done. */
export const TRANSITIONS = Object.freeze({ setup: 2, perPoll: 3, finish: 3 });

/** Tracking statuses Progress counts with one COUNT query each. */
export const STATUS_COUNT_QUERIES = 5;

/** Bytes of one tracking row (run id, ref, VIN, status, sha256, key, sizes, times), for Query read units. */
export const TRACKING_ROW_BYTES = 300;

export interface CloudCost {
  lambdaCompute: number;
  lambdaRequests: number;
  sqs: number;
  s3: number;
  dynamodb: number;
  stepFunctions: number;
  total: number;
}

export interface CloudRunEstimate {
  vehicles: number;
  concurrency: number;
  /** Downloaders that can work at once: the concurrency, capped by the portal's rate limit. */
  effectiveConcurrency: number;
  cappedByPortal: boolean;
  /** Containers that started (and paid a cold start). */
  coldStarts: number;
  phases: { setupSecs: number; downloadSecs: number; noticeSecs: number; reportSecs: number };
  wallSecs: number;
  /** All the vehicles' work spread perfectly over the effective concurrency. */
  idealSecs: number;
  /** The ideal plus one cold start (every container pays one before its first vehicle). */
  idealWithColdStartSecs: number;
  /** wallSecs / idealWithColdStartSecs. */
  ratio: number;
  polls: number;
  usage: {
    lambdaGbSeconds: number;
    lambdaInvocations: number;
    sqsRequests: number;
    s3Puts: number;
    s3Gets: number;
    dynamoWriteUnits: number;
    dynamoReadUnits: number;
    stateTransitions: number;
  };
  cost: CloudCost;
  /** Things the settings get wrong for this run (e.g. a batch that cannot fit the timeout). */
  warnings: string[];
}

const gb = (mb: number) => mb / 1024;

/** The model of one run. */
export function modelCloudRun(input: CloudRunInput): CloudRunEstimate {
  const { vehicles, stack, durations: d, prices } = input;
  if (!Number.isInteger(vehicles) || vehicles < 1) throw new Error(`vehicles must be a whole number >= 1, got ${vehicles}`);
  if (!Number.isInteger(input.concurrency) || input.concurrency < 1) {
    throw new Error(`concurrency must be a whole number >= 1, got ${input.concurrency}`);
  }
  const scaling = input.scaling ?? SQS_EVENT_SOURCE_SCALING;
  const effective = Math.min(input.concurrency, input.portalRateLimit ?? Number.POSITIVE_INFINITY);
  const batch = stack.downloader.batchSize;
  const warnings: string[] = [];
  if (batch * d.perVehicleSecs + d.browserColdStartSecs > stack.downloader.timeoutSecs) {
    warnings.push(
      `a batch of ${batch} at ${d.perVehicleSecs} s/vehicle plus a cold start exceeds the downloader timeout of ${stack.downloader.timeoutSecs} s`,
    );
  }

  // Enqueue's bookkeeping: find known refs (100 keys a BatchGetItem), put new rows, read the run
  // back (1 MB a Query page), send the messages (10 a batch), all at the adapters' concurrency.
  const rowPages = Math.ceil((vehicles * TRACKING_ROW_BYTES) / (1024 * 1024));
  const enqueueCalls =
    Math.ceil(vehicles / 100) / stack.registerConcurrency +
    vehicles / stack.registerConcurrency +
    rowPages +
    Math.ceil(vehicles * CALLS_PER_VEHICLE.sqsSendsPerMessage) / stack.sendConcurrency +
    1;
  const loginSecs = d.browserColdStartSecs + d.portalSetupSecs / 2;
  const enqueueSecs = d.browserColdStartSecs + d.portalSetupSecs / 2 + enqueueCalls * d.awsRequestSecs;
  const setupSecs = loginSecs + enqueueSecs;

  const downloads = simulateDownloads({
    vehicles,
    batchSize: batch,
    perVehicleSecs: d.perVehicleSecs,
    coldStartSecs: d.browserColdStartSecs,
    concurrency: effective,
    initialConcurrency: scaling.initialConcurrency,
    addedPerMinute: scaling.addedPerMinute,
  });

  // The state machine waits a poll interval, then asks: the end is seen at the first poll after it.
  const poll = stack.pollIntervalSecs;
  const polls = Math.max(1, Math.ceil(downloads.endSecs / poll));
  const progressCallSecs = (STATUS_COUNT_QUERIES + 2) * d.awsRequestSecs;
  const noticeSecs = polls * poll - downloads.endSecs + d.nodeColdStartSecs + progressCallSecs;
  const reportSecs = d.nodeColdStartSecs + (rowPages + STATUS_COUNT_QUERIES + S3_PUTS_PER_RUN) * d.awsRequestSecs;
  const wallSecs = setupSecs + downloads.endSecs + noticeSecs + reportSecs;

  const idealSecs = (vehicles * d.perVehicleSecs) / effective;
  const idealWithColdStartSecs = idealSecs + d.browserColdStartSecs;

  // Usage. Downloader: every vehicle's time plus each container's cold start (INIT is billed).
  const downloaderSecs = vehicles * d.perVehicleSecs + downloads.containers * d.browserColdStartSecs;
  const progressSecs = polls * progressCallSecs + d.nodeColdStartSecs;
  const functionSeconds: Array<[FunctionSize, number]> = [
    [stack.downloader, downloaderSecs],
    [stack.login, loginSecs],
    [stack.enqueue, enqueueSecs],
    [stack.progress, progressSecs],
    [stack.report, reportSecs],
  ];
  const lambdaGbSeconds = functionSeconds.reduce((sum, [size, secs]) => sum + gb(size.memoryMb) * secs, 0);
  const ephemeralGbSeconds = functionSeconds.reduce((sum, [size, secs]) => sum + gb(Math.max(0, size.ephemeralMb - 512)) * secs, 0);
  const invocations = Math.ceil(vehicles / batch) + 2 + polls + 1;
  const sqsRequests =
    Math.ceil(vehicles * CALLS_PER_VEHICLE.sqsSendsPerMessage) +
    2 * Math.ceil(vehicles / batch) + // the event source's receive and delete per batch
    2 * polls; // Progress: queue and DLQ depth
  const s3Puts = vehicles * CALLS_PER_VEHICLE.s3Puts + S3_PUTS_PER_RUN + Math.ceil(vehicles / 1000); // + the pull's LISTs
  const s3Gets = vehicles * CALLS_PER_VEHICLE.s3Gets;
  const dynamoWriteUnits = vehicles * CALLS_PER_VEHICLE.dynamoWrites;
  const runReadUnits = Math.max(1, Math.ceil((vehicles * TRACKING_ROW_BYTES) / 4096));
  const dynamoReadUnits =
    vehicles * CALLS_PER_VEHICLE.dynamoStrongReads +
    2 * runReadUnits + // Enqueue and Report read the run back (strongly consistent Query)
    polls * (0.5 * runReadUnits + STATUS_COUNT_QUERIES * 0.5); // Progress counts on the index (eventually consistent)
  const stateTransitions = TRANSITIONS.setup + TRANSITIONS.perPoll * polls + TRANSITIONS.finish;

  const cost: Omit<CloudCost, 'total'> = {
    lambdaCompute: lambdaGbSeconds * prices.lambdaGbSecond + ephemeralGbSeconds * prices.lambdaEphemeralGbSecond,
    lambdaRequests: (invocations / 1e6) * prices.lambdaPerMillionRequests,
    sqs: (sqsRequests / 1e6) * prices.sqsPerMillionRequests,
    s3: (s3Puts / 1000) * prices.s3PutPerThousand + (s3Gets / 1000) * prices.s3GetPerThousand,
    dynamodb: (dynamoWriteUnits / 1e6) * prices.dynamoWritePerMillion + (dynamoReadUnits / 1e6) * prices.dynamoReadPerMillion,
    stepFunctions: (stateTransitions / 1000) * prices.stepFunctionsPerThousandTransitions,
  };
  const total = Object.values(cost).reduce((a, b) => a + b, 0);

  return {
    vehicles,
    concurrency: input.concurrency,
    effectiveConcurrency: effective,
    cappedByPortal: effective < input.concurrency,
    coldStarts: downloads.containers,
    phases: { setupSecs, downloadSecs: downloads.endSecs, noticeSecs, reportSecs },
    wallSecs,
    idealSecs,
    idealWithColdStartSecs,
    ratio: wallSecs / idealWithColdStartSecs,
    polls,
    usage: {
      lambdaGbSeconds,
      lambdaInvocations: invocations,
      sqsRequests,
      s3Puts,
      s3Gets,
      dynamoWriteUnits,
      dynamoReadUnits,
      stateTransitions,
    },
    cost: { ...cost, total },
    warnings,
  };
}

export interface DownloadSimulation {
  vehicles: number;
  batchSize: number;
  perVehicleSecs: number;
  coldStartSecs: number;
  /** Most containers at once (already capped by the portal). */
  concurrency: number;
  initialConcurrency: number;
  addedPerMinute: number;
}

/**
 * When the last vehicle is stored, counted from the moment the messages are queued, and how
 * many containers took part. Container i may start once the event source has scaled to it
 * (the first `initialConcurrency` at once, then `addedPerMinute` more per minute, evenly); it
 * pays its cold start, then takes batch after batch. Each batch goes to whichever container can
 * start it first, as SQS hands messages to whichever poller asks.
 */
export function simulateDownloads(sim: DownloadSimulation): { endSecs: number; containers: number } {
  const batches = Math.ceil(sim.vehicles / sim.batchSize);
  const containers = Math.max(1, Math.min(sim.concurrency, batches));
  const startAt = (i: number) =>
    i < sim.initialConcurrency ? 0 : ((i - sim.initialConcurrency + 1) * 60) / sim.addedPerMinute;
  // Min-heap of [time a container can begin its next batch, container index]; a cold container's
  // time includes its cold start.
  const heap = new MinHeap();
  for (let i = 0; i < containers; i += 1) heap.push(startAt(i) + sim.coldStartSecs, i);
  const used = new Set<number>();
  let end = 0;
  let left = sim.vehicles;
  while (left > 0) {
    const [free, index] = heap.pop();
    const size = Math.min(sim.batchSize, left);
    left -= size;
    used.add(index);
    const finish = free + size * sim.perVehicleSecs;
    end = Math.max(end, finish);
    heap.push(finish, index);
  }
  return { endSecs: end, containers: used.size };
}

/** A binary min-heap of (time, index) pairs; ties go to the lower index. */
class MinHeap {
  readonly #items: Array<[number, number]> = [];

  push(time: number, index: number): void {
    const items = this.#items;
    items.push([time, index]);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): [number, number] {
    const items = this.#items;
    const top = items[0];
    if (!top) throw new Error('pop from an empty heap');
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && this.#less(items[left]!, items[smallest]!)) smallest = left;
        if (right < items.length && this.#less(items[right]!, items[smallest]!)) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest]!, items[i]!];
        i = smallest;
      }
    }
    return top;
  }

  #less(a: [number, number], b: [number, number]): boolean {
    return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  }
}
