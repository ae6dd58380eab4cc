import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';

/**
 * Helpers for the secret-leak tests: a recording reverse proxy in front of the demo portal
 * (so the tests learn the exact cookie values the portal issued without adding anything to
 * the portal), and a grep over strings, buffers and whole folder trees.
 */

/** Cookie names whose values are secrets (a session cookie is as good as the password). */
export const SECRET_COOKIES = ['dv_session', 'dv_csrf'];

export interface RecordingProxy {
  url: string;
  /** Every non-empty value the portal set for a SECRET_COOKIES cookie, in order. */
  cookieValues(): string[];
  /** Every Set-Cookie header line the portal sent. */
  setCookieLines(): string[];
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const values: string[] = [];
  const lines: string[] = [];
  const record = (headers: IncomingHttpHeaders) => {
    for (const line of headers['set-cookie'] ?? []) {
      lines.push(line);
      const m = /^\s*([^=;\s]+)=([^;]*)/.exec(line);
      if (m && SECRET_COOKIES.includes(m[1]!) && m[2]!.length > 0 && !values.includes(m[2]!)) values.push(m[2]!);
    }
  };
  const server: Server = createServer((req, res) => {
    const up = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        record(answer.headers);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.on('error', () => up.destroy());
    res.on('close', () => up.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cookieValues: () => [...values],
    setCookieLines: () => [...lines],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every regular file under `dir`, as [path relative to dir, bytes]. */
export function filesUnder(dir: string): Array<[string, Buffer]> {
  const out: Array<[string, Buffer]> = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (st.isFile()) out.push([relative(dir, path), readFileSync(path)]);
    }
  };
  walk(dir);
  return out.sort(([a], [b]) => a.localeCompare(b));
}

/** Every path (files and folders) under `dir`, relative, sorted. */
export function treeOf(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      out.push(relative(dir, path));
      if (statSync(path).isDirectory()) walk(path);
    }
  };
  walk(dir);
  return out.sort();
}

/** A session-cookie assignment with a value, in any text (`dv_session=abc...`). */
const COOKIE_ASSIGNMENT = new RegExp(`(?:${SECRET_COOKIES.join('|')})=[A-Za-z0-9_%-]{8,}`);

/**
 * `where: what` for every secret found in the sources (empty = clean). A secret is looked for
 * as UTF-8 bytes, and also URL-encoded and JSON-escaped when those differ.
 */
export function findLeaks(sources: Array<[string, string | Buffer]>, secrets: string[]): string[] {
  const found: string[] = [];
  for (const [where, content] of sources) {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    for (const secret of secrets) {
      const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
      for (const form of forms) {
        if (bytes.includes(Buffer.from(form))) found.push(`${where}: contains ${JSON.stringify(secret.slice(0, 6))}...`);
      }
    }
    const text = bytes.toString('latin1');
    const assignment = COOKIE_ASSIGNMENT.exec(text)?.[0];
    if (assignment) found.push(`${where}: contains a cookie assignment ${assignment.slice(0, 16)}...`);
  }
  return found;
}
