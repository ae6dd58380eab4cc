import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunReport } from '../../lib/core/report/index.js';
import { S3Keys } from '../../lib/contracts/index.js';
import type { OpsContext } from '../../lib/ops/context.js';
import { fetchReport, openInBrowser, summaryLines } from '../../lib/ops/report.js';
import { useEmulators } from '../emulators/aws-env.js';
import { cloudReport, opsFixture, type OpsFixture } from './helpers.js';

useEmulators();

const RUN = '2026-11-23-rep01';

describe('report: report.json (and report.html) from S3', () => {
  let fx: OpsFixture;
  let ctx: OpsContext;
  let dir: string;
  let report: RunReport;
  beforeAll(async () => {
    fx = await opsFixture('ops-report');
    ctx = await fx.open();
    dir = mkdtempSync(join(tmpdir(), 'fleetpdf-report-'));
    report = cloudReport(RUN, fx.resources.bucket);
    await fx.documents.putText(S3Keys.report(RUN), `${JSON.stringify(report, null, 2)}\n`, 'application/json');
  });
  afterAll(async () => {
    ctx?.close();
    await fx?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('saves report.json and gives the same summary as a local run', async () => {
    const fetched = await fetchReport(ctx, RUN, join(dir, RUN));
    expect(fetched?.jsonPath).toBe(join(dir, RUN, 'report.json'));
    expect(fetched?.htmlPath).toBeUndefined();
    expect(JSON.parse(readFileSync(fetched!.jsonPath, 'utf8'))).toEqual(report);
    const lines = summaryLines(fetched!.report);
    expect(lines[0]).toBe(`Run ${RUN} (dealer-values): completed`);
    expect(lines[1]).toBe('Done 4 of 5, failed 1, skipped 0');
    expect(lines).toContain('Failures: http_503 x1');
  });

  it('saves report.html beside it when the run has one', async () => {
    await fx.documents.putText(S3Keys.reportHtml(RUN), '<!doctype html><title>report</title>', 'text/html');
    const fetched = await fetchReport(ctx, RUN, join(dir, RUN));
    expect(readFileSync(fetched!.htmlPath!, 'utf8')).toBe('<!doctype html><title>report</title>');
  });

  it('returns nothing for a run without a report, and refuses a report.json of another shape', async () => {
    expect(await fetchReport(ctx, 'no-report-yet', join(dir, 'x'))).toBeUndefined();
    await fx.documents.putText(S3Keys.report('odd'), '{"runId":"odd"}', 'application/json');
    await expect(fetchReport(ctx, 'odd', join(dir, 'odd'))).rejects.toThrow(/runs\/odd\/report\.json is not a fleetpdf report \(profile: /);
    await fx.documents.putText(S3Keys.report('broken'), '{"runId":', 'application/json');
    await expect(fetchReport(ctx, 'broken', join(dir, 'broken'))).rejects.toThrow('runs/broken/report.json is not JSON');
  });

  it('opens report.html with $BROWSER, and says so when no opener can start', async () => {
    const seen = join(dir, 'opened.txt');
    const browser = join(dir, 'browser.sh');
    writeFileSync(browser, `#!/bin/sh\necho "$1" > '${seen}'\n`);
    chmodSync(browser, 0o755);
    expect(await openInBrowser('/tmp/some/report.html', { BROWSER: browser })).toBeUndefined();
    // The opener runs detached: wait for what it writes (generously: a loaded machine spawns slowly).
    await vi.waitFor(() => expect(readFileSync(seen, 'utf8').trim()).toBe('/tmp/some/report.html'), { timeout: 15_000, interval: 20 });
    expect(await openInBrowser('/tmp/r.html', { BROWSER: join(dir, 'no-such-browser') })).toMatch(/^could not start .*no-such-browser \(ENOENT\): open \/tmp\/r\.html yourself$/);
  });
});
