/**
 * The key's inputs, described once and in order: the plain fields (`model/fields.ts`) and the
 * properties with lifecycle rules of their own (here): `name` and auto-naming, `expiresAt`,
 * `quota`/`unlimitedQuota` as an allotment, `enabled` as a wish for the status, `adoptKeyId`, the
 * rotation schedule and the grace of replaced keys. Each carries its documentation, its rule and
 * how diff compares it (`model/inputRules.ts`, `InputRule`); from this table come the input list,
 * `check` and the typed inputs (`model/propertyRules.ts`), diff's comparison, the schema, the
 * reference and the SDKs' declarations (`model/description.ts`). What the lifecycle does with a
 * value (rotate, retire, converge the status) lives in `key/`.
 */
import { describeValue } from "../shared/describeValue.js";
import { parseDuration } from "../shared/duration.js";
import { parseExpiry, toIso } from "../shared/timestamp.js";
import { KEY_FIELDS } from "./fields.js";
import { type CheckContext, checkBoolean, type InputRule, isGiven, isUnknown } from "./inputRules.js";
import { autoName, nameProblem } from "./naming.js";

/**
 * The largest remaining quota of a limited key that every known build accepts: upstream new-api
 * of 2026-08 stores it as a 32-bit int ("maximum is 2147483647"); older builds allowed
 * 1e9 × QuotaPerUnit (5e14).
 */
export const MAX_QUOTA = 2_147_483_647;
/** An expiry this far out is almost certainly a mistake (milliseconds passed as seconds, …). */
const MAX_EXPIRY_YEARS = 100;
/** `rotateAfter` shorter than this would replace the key at almost every run. */
export const MIN_ROTATE_AFTER_SECONDS = 3_600;
/** The shortest grace period: a minute. */
export const MIN_RETIRE_AFTER_SECONDS = 60;

/** An input's rule with `V` fixed and the rest inferred. */
function input<V>() {
  return <R extends InputRule<V>>(rule: R): R => rule;
}

/** A duration input of at least `minimum` seconds (`what`: the shortest, in words), trimmed. */
function checkDuration(
  value: unknown,
  property: string,
  minimum: number,
  what: string,
  ctx: CheckContext,
): string | undefined {
  const seconds = parseDuration(value);
  if (typeof seconds === "string") ctx.fail(property, seconds);
  else if (seconds < minimum) ctx.fail(property, `"${String(value)}" is shorter than ${what}`);
  else return String(value).trim();
  return undefined;
}

/** Seconds of an early-rotation window: a duration, or zero written with or without a unit. */
export function parseRotateBefore(value: unknown): number | string {
  return /^\s*0+[wdhms]?\s*$/.test(String(value)) ? 0 : parseDuration(value);
}

const name = input<string>()({
  type: "string",
  inputDoc:
    "Display name in the CometAPI console, at most 50 bytes of UTF-8 (the stricter of the service's two rules: 50 ASCII characters, 16 CJK characters). Names need not be unique. Changes in place.",
  outputDoc: "The display name (generated when not given).",
  summary: "The display name.",
  constraints: "non-empty, no control characters, at most 50 bytes of UTF-8",
  sdkDefault: "the resource's logical name plus a random suffix, e.g. `backend-3f9a2c1`",
  example: 'name: "backend-production"',
  compare: "equal",
  check: (value, { fail }) => {
    if (typeof value !== "string") fail("name", `must be a string, got ${describeValue(value)}`);
    else {
      const reason = nameProblem(value);
      if (reason) fail("name", reason);
      return value;
    }
    return undefined;
  },
  // Generated: the engine's proposal (native plugin) or the logical name and a suffix; kept as
  // `__autoName` so later checks keep it and a rename in the console cannot become the declared name.
  whenAbsent: ({ fail, checked, news, olds, naming }) => {
    if (naming.disabled) {
      fail("name", "is required: auto-naming is disabled for this stack (the `autonaming` project setting)");
      return undefined;
    }
    const logicalName = typeof news.__logicalName === "string" ? news.__logicalName : undefined;
    const keepOld = typeof olds.__autoName === "string" && olds.__logicalName === logicalName;
    const proposed = naming.proposedName;
    const reason = proposed === undefined ? undefined : nameProblem(proposed);
    if (reason) fail("name", `the auto-name "${proposed}" the engine proposed ${reason}`);
    const seed = typeof news.__autoNameSeed === "string" ? news.__autoNameSeed : undefined;
    const generated = keepOld
      ? (olds.__autoName as string)
      : (proposed ?? autoName(logicalName ?? "key", seed));
    checked.__autoName = generated;
    if (keepOld ? olds.__namedByPattern === true : naming.fromPattern === true && proposed !== undefined) {
      checked.__namedByPattern = true;
    }
    return generated;
  },
});

const expiresAt = input<string>()({
  type: "string",
  inputDoc:
    "When the key stops working: an ISO-8601 timestamp with a time zone (or a date, read as UTC midnight) or unix seconds. Must be in the future when the key is created. Changes in place; moving it into the future revives an expired key.",
  outputDoc: "The expiry as ISO-8601 UTC, or undefined when the key never expires.",
  summary: "The expiry as ISO-8601 UTC; absent when the key never expires.",
  constraints: "a real date; in the future at create; at most 100 years away",
  sdkDefault: "never expires",
  example: 'expiresAt: "2027-01-31T00:00:00Z"',
  sdkInputType: "string | number",
  compare: "instant",
  check: (value, { fail, now, isCreate }) => {
    const parsed = parseExpiry(value);
    if (typeof parsed === "string") fail("expiresAt", parsed);
    else if (parsed > now + MAX_EXPIRY_YEARS * 366 * 86_400) {
      fail(
        "expiresAt",
        `${toIso(parsed)} is more than ${MAX_EXPIRY_YEARS} years away; omit expiresAt for a key that never expires`,
      );
    } else if (isCreate && parsed <= now) {
      fail(
        "expiresAt",
        `${toIso(parsed)} is in the past; a new key would be created already expired. Use a future time or omit it`,
      );
    } else return toIso(parsed);
    return undefined;
  },
});

const quota = input<number>()({
  type: "integer",
  inputDoc:
    "The key's allotment in CometAPI quota units (500000 units = $1 by default), a whole number from 0 to 2147483647 (larger allotments: unlimitedQuota). An allotment, not a mirror: usage lowers `remainingQuota` and never shows as drift. Changing it sets the remaining quota to the new value (a top-up), in place.",
  outputDoc: "The configured allotment (not the live remainder; see `remainingQuota`).",
  constraints: "whole number 0..2147483647; exactly one of quota and unlimitedQuota: true",
  sdkDefault: "none: set `quota` or `unlimitedQuota: true`",
  example: "quota: 5_000_000 // $10",
  compare: "equal",
  refresh: "kept",
  check: (value, { fail }) => {
    const reason = quotaProblem(value);
    if (reason) fail("quota", reason);
    return reason ? undefined : (value as number);
  },
});

function quotaProblem(quota: unknown): string | undefined {
  if (typeof quota !== "number") return `must be a number of quota units, got ${describeValue(quota)}`;
  if (!Number.isFinite(quota)) return `must be a finite number, got ${quota}`;
  if (!Number.isInteger(quota)) return `must be a whole number of quota units, got ${quota}`;
  if (quota < 0) return `must not be negative, got ${quota}`;
  if (quota > MAX_QUOTA)
    return (
      `must be at most ${MAX_QUOTA} (the service's limit for a limited key: new-api stores it as a 32-bit ` +
      `integer), got ${quota}; for more, or no limit, use unlimitedQuota: true`
    );
  return undefined;
}

const unlimitedQuota = input<boolean>()({
  type: "boolean",
  inputDoc: "No quota limit (usage is still counted in `usedQuota`). Excludes `quota`.",
  outputDoc: "Whether the key has no quota limit.",
  summary: true,
  default: false,
  sdkDefault: "false",
  example: "unlimitedQuota: true",
  absent: false,
  compare: "equal",
  check: (value, { fail }) => checkBoolean(value, "unlimitedQuota", fail),
  // Exactly one of the two, once both are known.
  relate: (unlimited, { fail, news }) => {
    if (isUnknown(news.quota) || isUnknown(unlimited)) return;
    if (isGiven(news.quota) && unlimited === true) {
      fail("quota", "cannot be combined with unlimitedQuota: true; set one of the two");
    } else if (!isGiven(news.quota) && unlimited !== true) {
      fail(
        "quota",
        "is required: set quota (in CometAPI quota units, e.g. 500000 = $1) or unlimitedQuota: true",
      );
    }
  },
});

const enabled = input<boolean>()({
  type: "boolean",
  inputDoc:
    "Whether the key may be used. `false` disables it (status-only update, in place). An expired or exhausted key is re-enabled once its expiry or quota is fixed in the same update.",
  outputDoc: "The wish: whether the key should be usable.",
  default: true,
  sdkDefault: "true",
  example: "enabled: false",
  absent: true,
  compare: "equal",
  check: (value, { fail }) => checkBoolean(value, "enabled", fail),
});

const adoptKeyId = input<number>()({
  type: "integer",
  inputDoc:
    "Take over this existing key (by its numeric id, as the console shows it) instead of creating one; it is converged to these arguments, its remaining quota set to `quota`. With the native plugin, `pulumi import` is the usual way to take over a key; with the dynamic provider (where import cannot work) this is the way. Deleting the resource deletes the key (use the `retainOnDelete` resource option to keep it).",
  outputDoc: "The id of the key taken over at create, when `adoptKeyId` was set.",
  constraints: "a positive whole number; a different value replaces the resource",
  sdkDefault: "none: a new key is created",
  example: "adoptKeyId: 1234",
  compare: "replaces",
  refresh: "kept",
  check: (value, { fail }) => {
    const id = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
    if (typeof id === "number" && Number.isSafeInteger(id) && id > 0) return id;
    fail(
      "adoptKeyId",
      `must be the positive whole-number id of an existing key, got ${describeValue(value)}`,
    );
    return undefined;
  },
});

const rotateAfter = input<string>()({
  type: "string",
  inputDoc:
    'Rotate the key on a schedule: its lifetime as a duration (`"30d"`, `"720h"`, `"1d12h"`; units w, d, h, m, s; at least 1h). Unless `expiresAt` is set, the key expires this long after the server created it. From `rotateBefore` earlier on, the first `pulumi preview`/`pulumi up` shows a replacement and `pulumi up` makes it: a new key is created, everything that uses `key` gets the new value, then the old key is deleted. Times are the server\'s: the key\'s `createdAt` and the `Date` header of its answers. Not with `adoptKeyId`. Changing it moves the expiry, in place.',
  outputDoc: "The rotation lifetime as given, or undefined when the key does not rotate.",
  constraints: "a duration of at least 1h (units w, d, h, m, s); not with adoptKeyId",
  sdkDefault: "none: the key is only replaced when its inputs say so",
  example: 'rotateAfter: "30d"',
  compare: "equal",
  refresh: "kept",
  check: (value, ctx) =>
    checkDuration(value, "rotateAfter", MIN_ROTATE_AFTER_SECONDS, "1h, the shortest rotation period", ctx),
  relate: (after, { fail, news }) => {
    if (isGiven(after) && isGiven(news.adoptKeyId)) {
      fail(
        "rotateAfter",
        "cannot be combined with adoptKeyId: a rotation creates a new key and deletes the adopted one. " +
          "Drop adoptKeyId (after the first up, the adopted key is managed anyway) or drop rotateAfter",
      );
    }
  },
});

const rotateBefore = input<string>()({
  type: "string",
  inputDoc:
    'The early-rotation window: how long before the end of the `rotateAfter` lifetime a run replaces the key (a duration shorter than `rotateAfter`; `"0s"` rotates only once the lifetime is over, by when the key has expired). Only with `rotateAfter`.',
  outputDoc: "The early-rotation window as given (undefined: the default, a tenth of `rotateAfter`).",
  constraints: "a duration shorter than rotateAfter; only with rotateAfter",
  sdkDefault: 'a tenth of `rotateAfter` (3d for "30d")',
  example: 'rotateBefore: "7d"',
  compare: "equal",
  refresh: "kept",
  check: (value, { fail, news, checked }) => {
    if (!isGiven(news.rotateAfter)) return undefined; // relate says why
    const seconds = parseRotateBefore(value);
    const after = checked.rotateAfter;
    const afterSeconds = typeof after === "string" && !isUnknown(after) ? parseDuration(after) : undefined;
    if (typeof seconds === "string") fail("rotateBefore", seconds);
    else if (typeof afterSeconds === "number" && seconds >= afterSeconds) {
      fail(
        "rotateBefore",
        `"${String(value)}" must be shorter than rotateAfter ("${String(news.rotateAfter)}"): it is how long before the ` +
          "end of the key's lifetime a run replaces it",
      );
    } else return String(value).trim();
    return undefined;
  },
  relate: (before, { fail, news }) => {
    if (isGiven(before) && !isGiven(news.rotateAfter)) {
      fail("rotateBefore", `only works with rotateAfter; set rotateAfter (e.g. "30d") or drop rotateBefore`);
    }
  },
});

const retireAfter = input<string>()({
  type: "string",
  inputDoc:
    "A grace period for replaced keys. When the key is replaced (a due rotation, a changed `replacementTrigger`, `pulumi up --replace`) the old key is not deleted at the end of the run: it keeps working this long (never past its own expiry), then the server refuses it; the next `pulumi up` lists it in `retiredKeys` and deletes it once its grace is over. Destroying the resource still deletes its key at once. At least 1m.",
  outputDoc: "The grace period for replaced keys as given, or undefined (replaced keys are deleted at once).",
  constraints: "a duration of at least 1m (units w, d, h, m, s)",
  sdkDefault: "undefined: the old key is deleted at the end of the replacing run",
  example: 'retireAfter: "24h"',
  compare: "equal",
  refresh: "kept",
  check: (value, ctx) =>
    checkDuration(value, "retireAfter", MIN_RETIRE_AFTER_SECONDS, "1m, the shortest grace period", ctx),
});

/** Every input of the key, in order: the plain fields after `unlimitedQuota`. */
export const KEY_INPUTS = {
  name,
  expiresAt,
  quota,
  unlimitedQuota,
  ...KEY_FIELDS,
  enabled,
  adoptKeyId,
  rotateAfter,
  rotateBefore,
  retireAfter,
} as const;

export type KeyInputName = keyof typeof KEY_INPUTS;

type ValueOf<R> = R extends { check(...args: never[]): infer V } ? Exclude<V, undefined> : never;
/** The inputs that stay absent when not given. */
type OptionalInputName = {
  [K in KeyInputName]: (typeof KEY_INPUTS)[K] extends { absent: unknown } | { whenAbsent: unknown }
    ? never
    : K;
}[KeyInputName];

/** The checked inputs, typed from the description. */
export type KeyInputValues = {
  [K in Exclude<KeyInputName, OptionalInputName>]: ValueOf<(typeof KEY_INPUTS)[K]>;
} & {
  [K in OptionalInputName]?: ValueOf<(typeof KEY_INPUTS)[K]>;
};
