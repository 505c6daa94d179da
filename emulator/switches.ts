/**
 * Behaviour switches of the emulator: each one selects between what the new-api source does
 * ([code]) and what CometAPI documents ([docs]) where they disagree, plus a few tunables.
 * Parsed here from option objects, CLI flags and environment variables.
 */

/** Limits of the rate-limiting middleware (all per client IP except search, which is per user). */
export interface RateLimitSettings {
  /** Window of the global `/api` limit, seconds. @default 180 */
  windowSeconds: number;
  /** Requests allowed per IP per window on every `/api` route. @default 180 */
  maxRequests: number;
  /** Searches allowed per user per minute. @default 10 */
  searchPerMinute: number;
  /** Window of the key-reveal limit, seconds. @default 1200 */
  revealWindowSeconds: number;
  /** Key reveals (single or batch) allowed per IP per reveal window. @default 20 */
  revealMax: number;
}

export interface EmulatorSwitches {
  /**
   * Require the `New-Api-User` header on management routes ([code]); `false` = [docs].
   * @default true
   */
  requireUserHeader: boolean;
  /**
   * Mask `key` in list/get/search/update responses and serve the reveal routes ([code]).
   * `false` ([docs], an older build): full key everywhere and both reveal routes answer the
   * unknown-route 404.
   * @default true
   */
  maskKeys: boolean;
  /** How the 50-long name limit counts: UTF-8 bytes ([code]) or characters ([docs]). @default "bytes" */
  nameLimit: "bytes" | "chars";
  /**
   * A full PUT (no `status_only`) also sets `status` from the body ([docs]); an omitted status
   * then becomes 0. The re-enable guard still applies when the body status is 1.
   * @default false
   */
  fullUpdateAppliesStatus: boolean;
  /** Refuse a non-empty `group` not in `groups` on create/update ([docs]). @default false */
  groupCheck: boolean;
  /** Groups available to every account when `groupCheck` is on. @default ["default", "vip", "auto"] */
  groups: string[];
  /**
   * `"lazy"`: model calls write status 3 (past expiry) / 4 (limited and remain <= 0);
   * `"never"`: they refuse but never write the status (a cache-layer deployment).
   * @default "lazy"
   */
  statusFlips: "lazy" | "never";
  /** Maximum non-deleted keys per user. @default 1000 */
  maxUserTokens: number;
  /** QuotaPerUnit; a limited key's `remain_quota` may not exceed 1e9 × this. @default 500000 */
  quotaPerUnit: number;
  /**
   * Rate limits, or `false` for none. Exceeding one answers HTTP 429 with an empty body and no
   * `Retry-After`. `true`/`"default"` on the CLI = {180, 180, 10, 1200, 20}.
   * @default false
   */
  rateLimits: false | RateLimitSettings;
  /** Quota charged per accepted model call. @default 1000 */
  chargePerRequest: number;
  /** Milliseconds added to every `/api` response. @default 0 */
  latencyMs: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  windowSeconds: 180,
  maxRequests: 180,
  searchPerMinute: 10,
  revealWindowSeconds: 1200,
  revealMax: 20,
};

export function defaultSwitches(): EmulatorSwitches {
  return {
    requireUserHeader: true,
    maskKeys: true,
    nameLimit: "bytes",
    fullUpdateAppliesStatus: false,
    groupCheck: false,
    groups: ["default", "vip", "auto"],
    statusFlips: "lazy",
    maxUserTokens: 1000,
    quotaPerUnit: 500000,
    rateLimits: false,
    chargePerRequest: 1000,
    latencyMs: 0,
  };
}

export const SWITCH_NAMES: readonly (keyof EmulatorSwitches)[] = [
  "requireUserHeader",
  "maskKeys",
  "nameLimit",
  "fullUpdateAppliesStatus",
  "groupCheck",
  "groups",
  "statusFlips",
  "maxUserTokens",
  "quotaPerUnit",
  "rateLimits",
  "chargePerRequest",
  "latencyMs",
];

export class SwitchError extends Error {}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function nonNegativeNumber(name: string, v: unknown, integer: boolean): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v))) {
    throw new SwitchError(`${name} must be a non-negative ${integer ? "integer" : "number"}`);
  }
  return v;
}

function positiveInt(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
    throw new SwitchError(`${name} must be a positive integer`);
  }
  return v;
}

function parseRateLimits(v: unknown): false | RateLimitSettings {
  if (v === false) return false;
  if (v === true || v === "default") return { ...DEFAULT_RATE_LIMITS };
  if (!isRecord(v)) throw new SwitchError('rateLimits must be false, true, "default" or an object');
  const merged = { ...DEFAULT_RATE_LIMITS, ...v };
  return {
    windowSeconds: positiveInt("rateLimits.windowSeconds", merged.windowSeconds),
    maxRequests: positiveInt("rateLimits.maxRequests", merged.maxRequests),
    searchPerMinute: positiveInt("rateLimits.searchPerMinute", merged.searchPerMinute),
    revealWindowSeconds: positiveInt("rateLimits.revealWindowSeconds", merged.revealWindowSeconds),
    revealMax: positiveInt("rateLimits.revealMax", merged.revealMax),
  };
}

/**
 * Validates a partial switch set (from JSON or an options object) and returns it normalised.
 * Unknown names are refused so a typo in a test does not silently test the default.
 */
export function validateSwitchPatch(input: unknown): Partial<EmulatorSwitches> {
  if (!isRecord(input)) throw new SwitchError("switches must be a JSON object");
  const out: Partial<EmulatorSwitches> = {};
  for (const [name, v] of Object.entries(input)) {
    if (v === undefined) continue;
    switch (name) {
      case "requireUserHeader":
      case "maskKeys":
      case "fullUpdateAppliesStatus":
      case "groupCheck":
        if (typeof v !== "boolean") throw new SwitchError(`${name} must be a boolean`);
        out[name] = v;
        break;
      case "nameLimit":
        if (v !== "bytes" && v !== "chars") throw new SwitchError('nameLimit must be "bytes" or "chars"');
        out.nameLimit = v;
        break;
      case "statusFlips":
        if (v !== "lazy" && v !== "never") throw new SwitchError('statusFlips must be "lazy" or "never"');
        out.statusFlips = v;
        break;
      case "groups":
        if (!Array.isArray(v) || !v.every((g) => typeof g === "string")) {
          throw new SwitchError("groups must be an array of strings");
        }
        out.groups = [...(v as string[])];
        break;
      case "maxUserTokens":
        out.maxUserTokens = nonNegativeNumber(name, v, true);
        break;
      case "quotaPerUnit":
        out.quotaPerUnit = nonNegativeNumber(name, v, false);
        break;
      case "chargePerRequest":
        out.chargePerRequest = nonNegativeNumber(name, v, true);
        break;
      case "latencyMs":
        out.latencyMs = nonNegativeNumber(name, v, false);
        break;
      case "rateLimits":
        out.rateLimits = parseRateLimits(v);
        break;
      default:
        throw new SwitchError(`unknown switch ${name}`);
    }
  }
  return out;
}

/** `requireUserHeader` → `require-user-header`. */
export function switchFlagName(name: keyof EmulatorSwitches): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `requireUserHeader` → `COMETAPI_EMULATOR_REQUIRE_USER_HEADER`. */
export function switchEnvName(name: keyof EmulatorSwitches): string {
  return `COMETAPI_EMULATOR_${switchFlagName(name).replace(/-/g, "_").toUpperCase()}`;
}

function parseBool(name: string, s: string): boolean {
  const v = s.trim().toLowerCase();
  if (["true", "1", "yes", "on", ""].includes(v)) return true;
  if (["false", "0", "no", "off"].includes(v)) return false;
  throw new SwitchError(`${name}: expected true or false, got ${JSON.stringify(s)}`);
}

function parseNum(name: string, s: string): number {
  const n = Number(s.trim());
  if (s.trim() === "" || !Number.isFinite(n))
    throw new SwitchError(`${name}: expected a number, got ${JSON.stringify(s)}`);
  return n;
}

/**
 * Parses one switch from its textual CLI/env form. `rateLimits` accepts `false`/`off`,
 * `true`/`default`, a JSON object, or five comma-separated numbers
 * (`windowSeconds,maxRequests,searchPerMinute,revealWindowSeconds,revealMax`).
 * `groups` is comma-separated.
 */
export function parseSwitchText(name: keyof EmulatorSwitches, text: string): Partial<EmulatorSwitches> {
  let value: unknown;
  switch (name) {
    case "requireUserHeader":
    case "maskKeys":
    case "fullUpdateAppliesStatus":
    case "groupCheck":
      value = parseBool(name, text);
      break;
    case "nameLimit":
    case "statusFlips":
      value = text.trim();
      break;
    case "groups":
      value = text
        .split(",")
        .map((g) => g.trim())
        .filter((g) => g !== "");
      break;
    case "maxUserTokens":
    case "quotaPerUnit":
    case "chargePerRequest":
    case "latencyMs":
      value = parseNum(name, text);
      break;
    case "rateLimits": {
      const t = text.trim();
      const lower = t.toLowerCase();
      if (["false", "off", "0", "no", "none"].includes(lower)) value = false;
      else if (["true", "on", "default", "yes", "1", ""].includes(lower)) value = true;
      else if (t.startsWith("{")) {
        try {
          value = JSON.parse(t);
        } catch {
          throw new SwitchError(`rateLimits: invalid JSON ${JSON.stringify(t)}`);
        }
      } else {
        const parts = t.split(",").map((p) => parseNum(name, p));
        if (parts.length !== 5) throw new SwitchError("rateLimits: expected five comma-separated numbers");
        value = {
          windowSeconds: parts[0],
          maxRequests: parts[1],
          searchPerMinute: parts[2],
          revealWindowSeconds: parts[3],
          revealMax: parts[4],
        };
      }
      break;
    }
  }
  return validateSwitchPatch({ [name]: value });
}
