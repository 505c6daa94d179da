/**
 * When two states of a key count as the same (pure functions): which declared properties differ
 * for the engine's diff, when a different `adoptKeyId` forces a replacement, and whether two wire
 * field sets are the same on the server. Lists compare as sets; IP entries in canonical form.
 */
import type { ApiKeyFields } from "../service/client.js";
import { canonicalIpEntry } from "../shared/ip.js";
import { parseExpiry } from "../shared/timestamp.js";
import { INPUT_PROPERTIES, isUnknown } from "./inputs.js";

/** The properties diff compares: every input but `adoptKeyId` (which only matters at create). */
export const COMPARED = INPUT_PROPERTIES.filter(
  (p): p is Exclude<(typeof INPUT_PROPERTIES)[number], "adoptKeyId"> => p !== "adoptKeyId",
);

/** The compared properties whose new value is unknown or differs from the old one. */
export function changedProperties(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  return COMPARED.filter((p) => isUnknown(news[p]) || !sameValue(p, olds[p], news[p]));
}

/** Whether `news` adopts another key than `olds` holds: a different resource; an unknown id may be different. */
export function adoptsAnotherKey(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  const adopt = news.adoptKeyId;
  return adopt !== undefined && (isUnknown(adopt) || (adopt !== olds.keyId && adopt !== olds.adoptKeyId));
}

/** Whether two field sets are the same on the server; `remainQuota` counts only when `compareQuota`. */
export function sameFields(a: ApiKeyFields, b: ApiKeyFields, compareQuota: boolean): boolean {
  return (
    a.name === b.name &&
    a.expiredTime === b.expiredTime &&
    a.unlimitedQuota === b.unlimitedQuota &&
    (!compareQuota || a.unlimitedQuota || a.remainQuota === b.remainQuota) &&
    sameSet(a.modelLimits, b.modelLimits) &&
    sameSet(a.allowIps.map(canonicalIpEntry), b.allowIps.map(canonicalIpEntry)) &&
    a.group === b.group &&
    a.crossGroupRetry === b.crossGroupRetry
  );
}

/** The list inputs that are sets: their order means nothing to the service. */
export const SET_PROPERTIES = ["models", "allowIps"] as const;

/**
 * The entries of a set-valued list that were added (index in the new list) and removed (index in
 * the old list), for a detailed diff with element paths (`models[2]`) that the engine shows as one
 * `+`/`-` line per entry instead of a positional rename. `undefined` when either list is not a known
 * list of strings (then the property diffs as a whole).
 */
export function setElementChanges(
  property: (typeof SET_PROPERTIES)[number],
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): { added: number[]; removed: number[] } | undefined {
  const known = (value: unknown): string[] | undefined =>
    value === undefined || value === null
      ? []
      : Array.isArray(value) && value.every((v) => typeof v === "string" && !isUnknown(v))
        ? (value as string[])
        : undefined;
  const before = known(olds[property]);
  const after = known(news[property]);
  if (before === undefined || after === undefined) return undefined;
  const canonical = property === "allowIps" ? canonicalIpEntry : (v: string) => v;
  const beforeSet = new Set(before.map(canonical));
  const afterSet = new Set(after.map(canonical));
  return {
    added: after.flatMap((v, i) => (beforeSet.has(canonical(v)) ? [] : [i])),
    removed: before.flatMap((v, i) => (afterSet.has(canonical(v)) ? [] : [i])),
  };
}

function sameValue(property: (typeof COMPARED)[number], a: unknown, b: unknown): boolean {
  if (property === "models") return sameSet(asStrings(a), asStrings(b));
  if (property === "allowIps")
    return sameSet(asStrings(a).map(canonicalIpEntry), asStrings(b).map(canonicalIpEntry));
  if (property === "expiresAt") return expiryOf(a) === expiryOf(b);
  if (property === "group") return (a ?? "") === (b ?? "");
  if (property === "unlimitedQuota" || property === "crossGroupRetry") return (a ?? false) === (b ?? false);
  if (property === "enabled") return (a ?? true) === (b ?? true);
  return a === b;
}

function expiryOf(value: unknown): number {
  if (value === undefined || value === null) return -1;
  const parsed = parseExpiry(value);
  return typeof parsed === "number" ? parsed : Number.NaN;
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}
