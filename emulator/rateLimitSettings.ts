/** The `rateLimits` switch: new-api's limits, their type and the setting kind that reads them. */
import { onOffReader, type SettingKind } from "./settingKinds";

/** new-api's rate limits, whose fields {@link RateLimitSettings} takes (with their descriptions). */
export const DEFAULT_RATE_LIMITS = {
  /** Window of the global `/api` limit, seconds. @default 180 */
  windowSeconds: 180,
  /** Requests allowed per IP per window on every `/api` route (180 on the 2026-03 build). @default 360 */
  maxRequests: 360,
  /** Searches allowed per user per minute. @default 10 */
  searchPerMinute: 10,
  /** Window of the key-reveal limit, seconds. @default 1200 */
  revealWindowSeconds: 1200,
  /** Key reveals (single or batch) allowed per IP per reveal window. @default 20 */
  revealMax: 20,
};

type RateLimitFields = typeof DEFAULT_RATE_LIMITS;
/** Limits of the rate-limiting middleware (all per client IP except search, which is per user). */
export interface RateLimitSettings extends RateLimitFields {}

const FIELDS = Object.keys(DEFAULT_RATE_LIMITS) as (keyof RateLimitSettings)[];

const readOnOff = onOffReader(["true", "on", "default", "yes", "1", ""], ["false", "off", "0", "no", "none"]);

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * `false`, `true`/`"default"` (new-api's limits) or an object of positive integers, missing
 * fields taken from the defaults. A flag also takes `off`/`on`, JSON, or the five numbers
 * comma-separated in the order of {@link RateLimitSettings}.
 */
export const rateLimitsKind: SettingKind<false | RateLimitSettings> = {
  rule: `false, true, "default" or positive integers {${FIELDS.join(",")}}`,
  placeholder: "[=default|false|W,M,S,RW,RM|JSON]",
  bare: true,
  check(value) {
    if (value === false) return false;
    if (value === true || value === "default") return { ...DEFAULT_RATE_LIMITS };
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    const merged: Record<string, unknown> = { ...DEFAULT_RATE_LIMITS, ...value };
    const limits = Object.fromEntries(FIELDS.map((f) => [f, merged[f]]));
    return Object.values(limits).every((n) => Number.isInteger(n) && (n as number) > 0)
      ? (limits as RateLimitSettings)
      : undefined;
  },
  read(text) {
    const onOff = readOnOff(text);
    if (typeof onOff === "boolean") return onOff;
    if (text.trim().startsWith("{")) return jsonOrText(text.trim());
    const parts = text.split(",");
    return parts.length === FIELDS.length
      ? Object.fromEntries(FIELDS.map((f, i) => [f, Number(parts[i])]))
      : text;
  },
};
