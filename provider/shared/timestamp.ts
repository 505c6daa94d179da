/**
 * Timestamps as users write them (`expiresAt`, `rotateBefore`, policy limits): ISO-8601 with a time
 * zone, a date alone (midnight UTC), or unix seconds; and back to ISO-8601 for display.
 */
import { describeValue } from "./describeValue.js";

/** Unix seconds from a timestamp input, or the reason it is not one. */
export function parseExpiry(value: unknown): number | string {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || !Number.isInteger(value))
      return `must be whole unix seconds, got ${value}`;
    if (value <= 0) return `must be a positive unix time in seconds, got ${value}`;
    if (value > 100_000_000_000)
      return `${value} looks like milliseconds; pass unix seconds (Math.floor(ms / 1000)) or an ISO-8601 string`;
    return value;
  }
  if (typeof value !== "string")
    return `must be an ISO-8601 timestamp or unix seconds, got ${describeValue(value)}`;
  const text = value.trim();
  if (/^\d+$/.test(text)) return parseExpiry(Number(text));
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.exec(
    text,
  );
  if (!m) {
    return `"${value}" is not an ISO-8601 timestamp with a time zone (e.g. 2027-01-31T00:00:00Z or 2027-01-31) nor unix seconds`;
  }
  const [, y, mo, d, h = "00", mi = "00", s = "00"] = m;
  const ms = Date.parse(m[4] === undefined ? `${y}-${mo}-${d}T00:00:00Z` : text);
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  const valid =
    !Number.isNaN(ms) &&
    check.getUTCFullYear() === Number(y) &&
    check.getUTCMonth() === Number(mo) - 1 &&
    check.getUTCDate() === Number(d) &&
    check.getUTCHours() === Number(h) &&
    check.getUTCMinutes() === Number(mi) &&
    check.getUTCSeconds() === Number(s);
  if (!valid) return `"${value}" is not a real date and time`;
  return Math.floor(ms / 1000);
}

/** Unix seconds → `2027-01-01T00:00:00Z`. */
export function toIso(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
