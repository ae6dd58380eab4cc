import { PDFArray, PDFDocument, PDFRawStream, decodePDFRawStream } from 'pdf-lib';
import { DEMO_CREDENTIALS } from '../lib/demo-portal/index.js';

/** A tiny HTTP client of the demo portal with a cookie jar; never follows redirects, so tests see each hop (the bench uses it too). */
export class PortalClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  async request(
    path: string,
    init: { method?: string; form?: Record<string, string>; body?: string; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined = init.body;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(new URL(path, this.baseUrl), {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      redirect: 'manual',
      signal: init.signal ?? AbortSignal.timeout(5000),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** GET the login page and return its CSRF token (the cookie is now in the jar). */
  async csrf(): Promise<string> {
    const html = await (await this.request('/login')).text();
    const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!token) throw new Error('no CSRF token on the login page');
    return token;
  }

  async login(credentials: { username: string; password: string } = DEMO_CREDENTIALS): Promise<Response> {
    const csrf = await this.csrf();
    return this.request('/login', { form: { csrf, username: credentials.username, password: credentials.password } });
  }

  /** Log in and accept the license: the state every worker starts from. */
  async session(): Promise<this> {
    const login = await this.login();
    if (login.status !== 302) throw new Error(`login answered ${login.status}`);
    const license = await this.request('/license', { form: {} });
    if (license.headers.get('location') !== '/inventory') throw new Error('license not accepted');
    return this;
  }

  async bytes(path: string): Promise<{ response: Response; body: Buffer }> {
    const response = await this.request(path);
    return { response, body: Buffer.from(await response.arrayBuffer()) };
  }
}

/** The text a PDF draws: pdf-lib's Helvetica writes `<hex> Tj`, inside Flate-compressed content streams. */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  const doc = await PDFDocument.load(bytes);
  const lines: string[] = [];
  for (const page of doc.getPages()) {
    const contents = page.node.Contents();
    const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => doc.context.lookup(ref)) : [contents];
    for (const stream of streams) {
      if (!(stream instanceof PDFRawStream)) continue;
      const ops = Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1');
      for (const m of ops.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) lines.push(Buffer.from(m[1]!, 'hex').toString('latin1'));
    }
  }
  return lines.join('\n');
}
