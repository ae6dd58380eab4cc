/**
 * Keeps secrets (password, cookie values) out of every line we print or write.
 * Register each secret once; `redact` replaces any occurrence with `***`.
 */
export class Redactor {
  readonly #secrets = new Set<string>();

  add(...secrets: (string | undefined)[]): void {
    // Very short values would blank out ordinary words.
    for (const secret of secrets) if (secret && secret.length >= 4) this.#secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join('***');
    return out;
  }
}
