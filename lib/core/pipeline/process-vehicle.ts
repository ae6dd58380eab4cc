import { classify, SessionExpiredError, TransientError } from '../errors.js';
import { documentName } from '../file-name.js';
import type { SessionManager } from '../portal/session-manager.js';
import type { DocumentStore, Tracker } from '../ports.js';
import type { Outcome, PortalSession, Vehicle } from '../types.js';
import type { DocumentVerifier } from '../verify/index.js';
import { VehicleStatus } from '../types.js';

export interface VehicleTask extends Vehicle {
  runId: string;
  /** Attempts counted before this one. */
  attempts: number;
}

export interface ProcessVehicleDeps {
  tracker: Tracker;
  documents: DocumentStore;
  session: SessionManager;
  /** Fetch this vehicle's document body with the given session (browser path or direct path). */
  fetchDocument: (vehicle: Vehicle, session: PortalSession) => Promise<Buffer>;
  /** Is the body this vehicle's PDF (a PdfVerifier; the caller closes it). */
  verifier: DocumentVerifier;
  workerId: string;
  /** Budget for the whole attempt, ms. */
  timeoutMs: number;
  /** Session refreshes allowed within one attempt. */
  refreshesPerAttempt: number;
}

/** A document body in hand, not yet verified or stored (see fetchVehicle). */
export interface FetchedDocument {
  kind: 'fetched';
  ref: string;
  body: Buffer;
  /** When the attempt started (epoch ms). */
  startedAt: number;
  /** How long the portal part took, ms. */
  fetchMs: number;
  /** The session the body came with (a stored document marks it served). */
  sessionVersion: number;
  /** The file name to store it under: the tracked one (a name, once given, stays). */
  file: string;
}

/**
 * One attempt at one vehicle, the same for the local pool and the Lambda: skip it if DONE,
 * fetch the document (refreshing an expired session single-flight), verify that it is this
 * vehicle's PDF, store it, then mark DONE. Never throws: failures come back as an outcome
 * whose error says what happens next.
 */
export async function processVehicle(task: VehicleTask, deps: ProcessVehicleDeps): Promise<Outcome> {
  const fetched = await fetchVehicle(task, deps);
  return fetched.kind === 'fetched' ? storeVehicle(task, fetched, deps) : fetched;
}

/**
 * The portal half of processVehicle: skip the vehicle if DONE, mark it IN_PROGRESS, fetch its
 * document. The local pool stores one vehicle while its worker fetches the next. Never throws.
 */
export async function fetchVehicle(task: VehicleTask, deps: ProcessVehicleDeps): Promise<FetchedDocument | Outcome> {
  const startedAt = Date.now();
  const { runId, ref } = task;
  try {
    const row = await deps.tracker.get(runId, ref);
    if (row?.status === VehicleStatus.DONE) return { kind: 'already-done', ref };
    await deps.tracker.markInProgress(runId, ref, deps.workerId);
    const { file } = documentName({ ref, file: row?.file ?? task.file });
    const { body, sessionVersion } = await withTimeout(fetchWithSession(task, deps), deps.timeoutMs, ref);
    return { kind: 'fetched', ref, body, startedAt, fetchMs: Date.now() - startedAt, sessionVersion, file };
  } catch (error) {
    return { kind: 'error', ref, error: classify(error), durationMs: Date.now() - startedAt };
  }
}

/** The storage half of processVehicle: verify the body is this vehicle's PDF, store it, mark DONE. Never throws. */
export async function storeVehicle(task: VehicleTask, fetched: FetchedDocument, deps: ProcessVehicleDeps): Promise<Outcome> {
  const { runId, ref } = task;
  try {
    const verified = await deps.verifier.verify(fetched.body, task);
    const storageKey = await deps.documents.put(runId, { ref, file: fetched.file }, verified.bytes, verified.sha256);
    const durationMs = Date.now() - fetched.startedAt;
    const changed = await deps.tracker.markDone(runId, ref, {
      bytes: verified.bytes.length,
      sha256: verified.sha256,
      storageKey,
      attempts: task.attempts + 1,
      workerId: deps.workerId,
      durationMs,
    });
    // The session's login was worth it (the login storm guard counts sessions that served nothing).
    await deps.session.markServed(fetched.sessionVersion).catch(() => undefined);
    // `changed` false: another delivery of the same ref finished first; the bytes we wrote are the same verified document.
    return {
      kind: 'done',
      ref,
      bytes: verified.bytes.length,
      sha256: verified.sha256,
      storageKey,
      durationMs,
      portalMs: fetched.fetchMs,
      ...(changed ? {} : { duplicate: true }),
    };
  } catch (error) {
    return { kind: 'error', ref, error: classify(error), durationMs: Date.now() - fetched.startedAt };
  }
}

/**
 * Fetch with the shared session. An ended session is refreshed here, single-flight, so the
 * next attempt finds a live one; then the attempt goes on with it `refreshesPerAttempt`
 * times, and past that ends with the SessionExpiredError (the engine gives the vehicle back
 * without using an attempt, after a stagger, so the workers do not all burn the new session).
 */
async function fetchWithSession(task: VehicleTask, deps: ProcessVehicleDeps): Promise<{ body: Buffer; sessionVersion: number }> {
  let session = await deps.session.current();
  for (let refreshes = 0; ; refreshes += 1) {
    try {
      return { body: await deps.fetchDocument(task, session), sessionVersion: session.version };
    } catch (error) {
      if (!(error instanceof SessionExpiredError)) throw error;
      const fresh = await deps.session.refresh(error.staleVersion);
      if (refreshes >= deps.refreshesPerAttempt) throw error;
      session = fresh;
    }
  }
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number, ref: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TransientError(`vehicle ${ref} took longer than ${timeoutMs} ms`, 'vehicle_timeout')),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    // The losing fetch may still reject later (its page gets recycled); do not let that crash the process.
    work.catch(() => undefined);
  }
}
