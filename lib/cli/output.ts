import type { Redactor } from '../core/redact.js';

/** Plain-ASCII lines on stderr (stdout is kept for --json), with secrets redacted. */
export class Output {
  constructor(
    private readonly redactor: Redactor,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  #interceptor?: (line: string) => void;

  line(message: string): void {
    const line = toAscii(this.redactor.redact(message));
    if (this.#interceptor) this.#interceptor(line);
    else this.stream.write(`${line}\n`);
  }

  /** Send lines somewhere else for a while (a live progress bar prints them above itself). */
  intercept(interceptor: ((line: string) => void) | undefined): void {
    this.#interceptor = interceptor;
  }

  get isTTY(): boolean {
    return this.stream.isTTY === true;
  }

  get writable(): NodeJS.WriteStream {
    return this.stream;
  }
}

/** Logs and CI consoles get ASCII only (the seeds' Windows consoles choked on anything else). */
export function toAscii(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the class names the control characters that are kept
  return text.replace(/[^\x09\x0a\x0d\x20-\x7e]/g, '?');
}
