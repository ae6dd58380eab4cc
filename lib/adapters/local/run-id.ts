/** Run ids are `<YYYY-MM-DD>-<n>`: readable, sortable within a day, and the run folder's name. */

const RUN_ID = /^(\d{4}-\d{2}-\d{2})-(\d+)$/;

/** The local calendar date of `epochMs` as YYYY-MM-DD (a run started at 00:30 belongs to that day, not UTC's). */
export function localDate(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** 1 + the highest n of `date` among `names` (run ids and folder names); 1 if none. */
export function nextRunNumber(date: string, names: Iterable<string>): number {
  let highest = 0;
  for (const name of names) {
    const match = RUN_ID.exec(name);
    if (match && match[1] === date) highest = Math.max(highest, Number(match[2]));
  }
  return highest + 1;
}

export function isRunId(value: string): boolean {
  return RUN_ID.test(value);
}
