import type { DemoPortalStats } from './types.js';

type Counters = Omit<DemoPortalStats, 'activeSessions' | 'inFlight'>;

function zero(inFlight: number): Counters {
  return {
    logins: 0,
    failedLogins: 0,
    sessionsEnded: { expired: 0, kicked: 0, replaced: 0, loggedOut: 0 },
    requests: 0,
    inFlightPeak: inFlight,
    pdfRequests: 0,
    pdfServed: {},
    pdfContentServed: {},
    wrongPdfServed: 0,
    licenseAccepts: 0,
    exports: 0,
    faultsInjected: { '5xx': 0, hang: 0, ratelimit: 0, interfere: 0, down: 0, bounce: 0, wait: 0 },
  };
}

/** The counters behind GET /__admin/stats. `inFlight` is a gauge and survives a reset. */
export class Stats {
  c: Counters = zero(0);
  inFlight = 0;

  reset(): void {
    this.c = zero(this.inFlight);
  }

  enter(): void {
    this.c.requests += 1;
    this.inFlight += 1;
    if (this.inFlight > this.c.inFlightPeak) this.c.inFlightPeak = this.inFlight;
  }

  leave(): void {
    this.inFlight -= 1;
  }

  pdfServed(requestedRef: string, servedRef: string): void {
    this.c.pdfServed[requestedRef] = (this.c.pdfServed[requestedRef] ?? 0) + 1;
    this.c.pdfContentServed[servedRef] = (this.c.pdfContentServed[servedRef] ?? 0) + 1;
    if (requestedRef !== servedRef) this.c.wrongPdfServed += 1;
  }

  /** A deep copy, so callers can diff two snapshots. */
  snapshot(activeSessions: number): DemoPortalStats {
    const c = structuredClone(this.c);
    return {
      logins: c.logins,
      failedLogins: c.failedLogins,
      activeSessions,
      sessionsEnded: c.sessionsEnded,
      requests: c.requests,
      inFlight: this.inFlight,
      inFlightPeak: c.inFlightPeak,
      pdfRequests: c.pdfRequests,
      pdfServed: c.pdfServed,
      pdfContentServed: c.pdfContentServed,
      wrongPdfServed: c.wrongPdfServed,
      licenseAccepts: c.licenseAccepts,
      exports: c.exports,
      faultsInjected: c.faultsInjected,
    };
  }
}
