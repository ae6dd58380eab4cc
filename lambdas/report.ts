import type { RunState } from '../lib/cloud/contracts.js';
import { writeCloudReport } from '../lib/cloud/cloud-report.js';

/** Last state: report.json and manifest.csv under runs/<runId>/, and a summary for the execution output. */
export const handler = async (state: RunState): Promise<RunState> => ({ ...state, report: await writeCloudReport(state) });
