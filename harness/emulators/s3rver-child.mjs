// Runs s3rver in its own process: it needs NODE_OPTIONS=--openssl-legacy-provider (its list
// pagination tokens use an md5-based cipher), which the test workers should not get.
// Started by aws-emulators.ts; prints one JSON line {"port": N} when listening, and exits
// when its stdin closes (the parent ended or died), removing its data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

const directory = mkdtempSync(join(tmpdir(), 'fleetpdf-s3rver-'));
const s3rver = new S3rver({
  address: '127.0.0.1',
  port: Number(process.env.S3RVER_PORT ?? 0),
  directory,
  silent: true,
  resetOnClose: true,
  // Path-style only: bucket names never come from the Host header.
  vhostBuckets: false,
});

let closing = false;
async function shutdown() {
  if (closing) return;
  closing = true;
  try {
    s3rver.httpServer?.closeAllConnections?.();
    await s3rver.close();
  } catch {
    // already closed
  }
  rmSync(directory, { recursive: true, force: true });
  process.exit(0);
}

process.stdin.on('end', shutdown);
process.stdin.on('close', shutdown);
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.resume();

try {
  const { port } = await s3rver.run();
  process.stdout.write(`${JSON.stringify({ port })}\n`);
} catch (error) {
  process.stderr.write(`s3rver failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  rmSync(directory, { recursive: true, force: true });
  process.exit(1);
}
