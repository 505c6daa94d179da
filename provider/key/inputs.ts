/**
 * The resource's inputs: their types, the rules `check` enforces before any request is made, and
 * the normal form the provider stores and compares.
 *
 * Every rule failure names the property and says how to fix it; all failures are reported at
 * once. Values that are still unknown during a preview (the engine's unknown sentinel) are passed
 * through unvalidated, never rejected.
 */
import { createHash, randomBytes } from "node:crypto";
import { checkKeyFields, KEY_FIELD_NAMES } from "../model/fieldRules.js";
import type { KeyFieldValues } from "../model/fields.js";
import { hasControlCharacters, isUnknown } from "../model/inputRules.js";
import { describeValue } from "../shared/describeValue.js";
import { parseExpiry, toIso } from "../shared/timestamp.js";

export { isUnknown, UNKNOWN } from "../model/inputRules.js";

/**
 * The largest remaining quota of a limited key that every known build accepts: upstream new-api
 * of 2026-08 stores it as a 32-bit int ("maximum is 2147483647"); older builds allowed
 * 1e9 × QuotaPerUnit (5e14).
 */
export const MAX_QUOTA = 2_147_483_647;
/** The service refuses names longer than this many UTF-8 bytes (some builds count characters). */
export const MAX_NAME_BYTES = 50;
/** An expiry this far out is almost certainly a mistake (milliseconds passed as seconds, …). */
const MAX_EXPIRY_YEARS = 100;

/** Inputs as `check` stores them: validated and normalised (the plain fields: see `model/fields.ts`). */
export interface CometApiKeyInputs extends KeyFieldValues {
  name: string;
  /** ISO-8601 UTC with second precision, e.g. `2027-01-01T00:00:00Z`; absent = never. */
  expiresAt?: string;
  quota?: number;
  unlimitedQuota: boolean;
  enabled: boolean;
  adoptKeyId?: number;
  /** Scheduled rotation: the key's lifetime as a duration, e.g. `30d` (see `key/rotation.ts`). */
  rotateAfter?: string;
  /** Scheduled rotation: how long before the end of its lifetime a run replaces the key. */
  rotateBefore?: string;
  /** Grace period of a replaced key before it stops working, e.g. `24h` (see `key/retirement.ts`). */
  retireAfter?: string;
  /** The logical name of the resource, passed by the SDK for auto-naming. */
  __logicalName?: string;
  /**
   * The generated name, when `name` was not given: later checks keep it, and a refresh that
   * finds the name changed in the console cannot make the drifted name the declared one.
   */
  __autoName?: string;
  /** The generated name came from the stack's `autonaming` pattern (see `AutoNaming.fromPattern`). */
  __namedByPattern?: boolean;
}

/**
 * What the engine says about auto-naming (the native plugin's CheckRequest; the dynamic provider
 * has none and generates names itself).
 */
export interface AutoNaming {
  /** The name the engine proposes for a resource without `name` (from its random seed). */
  proposedName?: string;
  /** Auto-naming is turned off: `name` is required. */
  disabled?: boolean;
  /**
   * `proposedName` comes from the stack's `autonaming` pattern, which may draw random characters
   * per run: a re-created resource's name may differ from the one a stopped run used.
   */
  fromPattern?: boolean;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

/** The name of an input property users set. */
export type InputName = Exclude<keyof CometApiKeyInputs, "__logicalName" | "__autoName" | "__namedByPattern">;

/** The input properties users set, in order: the plain fields after `unlimitedQuota`. */
export const INPUT_PROPERTIES: readonly InputName[] = [
  "name",
  "expiresAt",
  "quota",
  "unlimitedQuota",
  ...KEY_FIELD_NAMES,
  "enabled",
  "adoptKeyId",
  "rotateAfter",
  "rotateBefore",
  "retireAfter",
];

const INTERNAL_PROPERTIES = new Set(["__provider", "__logicalName", "__autoName", "__autoNameSeed"]);

/**
 * Validates and normalises new inputs. `olds` are the previously stored inputs (empty on create);
 * `now` is the current unix time in seconds.
 */
export function checkInputs(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  now: number,
  naming: AutoNaming = {},
): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const isCreate = olds.name === undefined;
  const out: Record<string, unknown> = {};

  for (const key of Object.keys(news)) {
    if (news[key] === undefined || INTERNAL_PROPERTIES.has(key)) continue;
    if (!(INPUT_PROPERTIES as readonly string[]).includes(key)) {
      fail(key, `is not a property of CometApiKey; expected one of: ${INPUT_PROPERTIES.join(", ")}`);
    }
  }

  // name (or a generated one)
  const logicalName = typeof news.__logicalName === "string" ? news.__logicalName : undefined;
  if (logicalName !== undefined) out.__logicalName = logicalName;
  if ((news.name === undefined || news.name === null) && naming.disabled) {
    fail("name", "is required: auto-naming is disabled for this stack (the `autonaming` project setting)");
  } else if (news.name === undefined || news.name === null) {
    const keepOld = typeof olds.__autoName === "string" && olds.__logicalName === logicalName;
    const proposed = naming.proposedName;
    const reason = proposed === undefined ? undefined : nameProblem(proposed);
    if (reason) fail("name", `the auto-name "${proposed}" the engine proposed ${reason}`);
    const seed = typeof news.__autoNameSeed === "string" ? news.__autoNameSeed : undefined;
    out.name = keepOld ? olds.__autoName : (proposed ?? autoName(logicalName ?? "key", seed));
    out.__autoName = out.name;
    if (keepOld ? olds.__namedByPattern === true : naming.fromPattern === true && proposed !== undefined) {
      out.__namedByPattern = true;
    }
  } else if (isUnknown(news.name)) {
    out.name = news.name;
  } else if (typeof news.name !== "string") {
    fail("name", `must be a string, got ${describeValue(news.name)}`);
  } else {
    const reason = nameProblem(news.name);
    if (reason) fail("name", reason);
    out.name = news.name;
  }

  // expiresAt
  const expires = news.expiresAt;
  if (expires !== undefined && expires !== null) {
    if (isUnknown(expires)) out.expiresAt = expires;
    else {
      const parsed = parseExpiry(expires);
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
      } else out.expiresAt = toIso(parsed);
    }
  }

  // quota / unlimitedQuota
  const unlimited = news.unlimitedQuota;
  if (
    unlimited !== undefined &&
    unlimited !== null &&
    !isUnknown(unlimited) &&
    typeof unlimited !== "boolean"
  ) {
    fail("unlimitedQuota", `must be true or false, got ${describeValue(unlimited)}`);
  }
  out.unlimitedQuota = unlimited ?? false;
  const quota = news.quota;
  if (quota !== undefined && quota !== null) {
    if (isUnknown(quota)) out.quota = quota;
    else {
      const reason = quotaProblem(quota);
      if (reason) fail("quota", reason);
      else out.quota = quota;
    }
  }
  if (!isUnknown(quota) && !isUnknown(unlimited)) {
    const hasQuota = quota !== undefined && quota !== null;
    if (hasQuota && unlimited === true) {
      fail("quota", "cannot be combined with unlimitedQuota: true; set one of the two");
    } else if (!hasQuota && unlimited !== true) {
      fail(
        "quota",
        "is required: set quota (in CometAPI quota units, e.g. 500000 = $1) or unlimitedQuota: true",
      );
    }
  }

  // the plain fields, each by its own rule (model/fields.ts)
  checkKeyFields(news, out, fail);

  // enabled
  const enabled = news.enabled;
  if (enabled === undefined || enabled === null) out.enabled = true;
  else if (isUnknown(enabled)) out.enabled = enabled;
  else if (typeof enabled !== "boolean")
    fail("enabled", `must be true or false, got ${describeValue(enabled)}`);
  else out.enabled = enabled;

  // adoptKeyId
  const adopt = news.adoptKeyId;
  if (adopt !== undefined && adopt !== null) {
    if (isUnknown(adopt)) out.adoptKeyId = adopt;
    else {
      const id = typeof adopt === "string" && /^\d+$/.test(adopt.trim()) ? Number(adopt.trim()) : adopt;
      if (typeof id !== "number" || !Number.isSafeInteger(id) || id <= 0) {
        fail(
          "adoptKeyId",
          `must be the positive whole-number id of an existing key, got ${describeValue(adopt)}`,
        );
      } else out.adoptKeyId = id;
    }
  }

  return { inputs: out, failures };
}

/** Why a name is unacceptable, or undefined when it is fine. */
export function nameProblem(name: string): string | undefined {
  if (name.trim() === "") return "must not be empty";
  if (hasControlCharacters(name)) return "must not contain control characters (newlines, tabs, …)";
  const bytes = Buffer.byteLength(name, "utf8");
  if (bytes > MAX_NAME_BYTES) {
    return `is ${bytes} bytes long in UTF-8 (${[...name].length} characters); CometAPI allows at most ${MAX_NAME_BYTES} bytes (non-ASCII characters take 2 to 4 bytes each)`;
  }
  return undefined;
}

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

/**
 * A Pulumi-style auto-name: the logical name plus `-` and 7 hex digits, within 50 bytes. With a
 * `seed` (the SDK's: project, stack and logical name) the digits come from it, so a preview and
 * the `up` after it, or the re-creation of a resource whose create never reached the state, name
 * the key alike; without one they are random.
 */
export function autoName(logicalName: string, seed?: string): string {
  const hex =
    seed === undefined ? randomBytes(4).toString("hex") : createHash("sha256").update(seed).digest("hex");
  const suffix = `-${hex.slice(0, 7)}`;
  const budget = MAX_NAME_BYTES - suffix.length;
  let prefix = "";
  for (const ch of logicalName.replace(/\p{Cc}/gu, "")) {
    if (Buffer.byteLength(prefix + ch, "utf8") > budget) break;
    prefix += ch;
  }
  return `${prefix || "key"}${suffix}`;
}
