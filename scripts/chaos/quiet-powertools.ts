/*
 * Imported first by the cloud scenarios: the handlers' Powertools logger and metrics read these
 * when their module loads, and a chaos table is not the place for every record.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
