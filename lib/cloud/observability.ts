import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** Structured JSON logs (runId and ref appended per record) and EMF metrics, one of each per container. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'fleetpdf' });
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'FleetPdf',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'fleetpdf',
});

export { MetricUnit };
