import { thousands } from './format.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text for HTML and inline SVG, in content and attributes alike. Refs and error messages come
 * from the portal: nothing from a report reaches the page without passing through here.
 */
export function esc(value: unknown): string {
  return String(value ?? '')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it replaces
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Shorten to `max` characters (code points, so no half emoji), before escaping. */
export function clip(value: unknown, max: number): string {
  const chars = Array.from(String(value ?? ''));
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}\u2026` : chars.join('');
}

/** A report number as shown, escaped; a dash where an older or foreign report.json lacks it. */
export function num(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? esc(thousands(value)) : '\u2013';
}
