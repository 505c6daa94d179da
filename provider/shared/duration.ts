/**
 * Durations as users write them in rotation inputs: a whole number with a unit, or several of them
 * from the largest unit down, e.g. `"30d"`, `"720h"`, `"1d12h"`, `"90m"`, `"3600s"`. Units: `w`
 * (7 days), `d` (24 hours: calendar days and daylight saving are not considered), `h`, `m`, `s`.
 */

const UNIT_SECONDS = { w: 604_800, d: 86_400, h: 3_600, m: 60, s: 1 } as const;
type Unit = keyof typeof UNIT_SECONDS;
const UNIT_ORDER: readonly Unit[] = ["w", "d", "h", "m", "s"];

/** The longest duration accepted: 100 years, the same bound as `expiresAt`. */
export const MAX_DURATION_SECONDS = 100 * 366 * 86_400;

const EXAMPLES = `e.g. "30d", "720h", "1d12h" (units: w, d, h, m, s)`;

/** Seconds from a duration text, or the reason it is not one (without the property name). */
export function parseDuration(value: unknown): number | string {
  if (typeof value !== "string") {
    return `must be a duration string, ${EXAMPLES}; got ${typeof value === "number" ? `the number ${value} (add a unit)` : typeof value}`;
  }
  const text = value.trim();
  if (text === "") return `must not be empty; use a duration, ${EXAMPLES}`;
  const parts = [...text.matchAll(/(\d+)([a-zA-Z]+)/g)];
  if (parts.map((p) => p[0]).join("") !== text) {
    return `"${value}" is not a duration: use whole numbers with a unit and no spaces, ${EXAMPLES}`;
  }
  let seconds = 0;
  let lastUnit = -1;
  for (const [, amount, rawUnit] of parts) {
    const unit = rawUnit as Unit;
    const at = UNIT_ORDER.indexOf(unit);
    if (at < 0)
      return `"${value}" has the unknown unit "${rawUnit}"; units are w, d, h, m and s, ${EXAMPLES}`;
    if (at <= lastUnit)
      return `"${value}" repeats or reorders units; write them from the largest down, e.g. "1d12h"`;
    lastUnit = at;
    seconds += Number(amount) * UNIT_SECONDS[unit];
  }
  if (seconds <= 0) return `"${value}" is zero; a rotation period must be longer than that`;
  if (seconds > MAX_DURATION_SECONDS) return `"${value}" is more than 100 years`;
  return seconds;
}

/** Seconds as the shortest duration text that parses back to them, e.g. 2_592_000 → `30d`. */
export function formatDuration(seconds: number): string {
  if (seconds <= 0) return "0s";
  let rest = Math.floor(seconds);
  let text = "";
  for (const unit of ["d", "h", "m", "s"] as const) {
    const n = Math.floor(rest / UNIT_SECONDS[unit]);
    if (n > 0) text += `${n}${unit}`;
    rest -= n * UNIT_SECONDS[unit];
  }
  return text;
}
