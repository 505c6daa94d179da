/**
 * When two states of a key count as the same (pure functions): which declared properties differ
 * for the engine's diff, when a different `adoptKeyId` forces a replacement, and whether two wire
 * field sets are the same on the server. Lists compare as sets; IP entries in canonical form.
 */

import { canonicalEntryOf, KEY_FIELD_NAMES, sameKeyFields, sameKeyFieldValue } from "../model/fieldRules.js";
import type { KeyFieldName } from "../model/fields.js";
import type { ApiKeyFields } from "../service/client.js";
import { parseExpiry } from "../shared/timestamp.js";
import { INPUT_PROPERTIES, type InputName, isUnknown } from "./inputs.js";

/** The properties diff compares: every input but `adoptKeyId` (which only matters at create). */
export const COMPARED = INPUT_PROPERTIES.filter(
  (p): p is Exclude<InputName, "adoptKeyId"> => p !== "adoptKeyId",
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

/** Whether two field sets are the same on the server; `remainingQuota` counts only when `compareQuota`. */
export function sameFields(a: ApiKeyFields, b: ApiKeyFields, compareQuota: boolean): boolean {
  return (
    a.name === b.name &&
    a.expiresAt === b.expiresAt &&
    a.unlimitedQuota === b.unlimitedQuota &&
    (!compareQuota || a.unlimitedQuota || a.remainingQuota === b.remainingQuota) &&
    sameKeyFields(a, b)
  );
}

/**
 * The entries of a set-valued list that were added (index in the new list) and removed (index in
 * the old list), for a detailed diff with element paths (`models[2]`) that the engine shows as one
 * `+`/`-` line per entry instead of a positional rename. `undefined` when either list is not a known
 * list of strings (then the property diffs as a whole).
 */
export function setElementChanges(
  property: KeyFieldName,
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
  const canonical = canonicalEntryOf(property);
  const beforeSet = new Set(before.map(canonical));
  const afterSet = new Set(after.map(canonical));
  return {
    added: after.flatMap((v, i) => (beforeSet.has(canonical(v)) ? [] : [i])),
    removed: before.flatMap((v, i) => (afterSet.has(canonical(v)) ? [] : [i])),
  };
}

function isKeyField(property: string): property is KeyFieldName {
  return (KEY_FIELD_NAMES as readonly string[]).includes(property);
}

function sameValue(property: (typeof COMPARED)[number], a: unknown, b: unknown): boolean {
  if (isKeyField(property)) return sameKeyFieldValue(property, a, b);
  if (property === "expiresAt") return expiryOf(a) === expiryOf(b);
  if (property === "unlimitedQuota") return (a ?? false) === (b ?? false);
  if (property === "enabled") return (a ?? true) === (b ?? true);
  return a === b;
}

function expiryOf(value: unknown): number {
  if (value === undefined || value === null) return -1;
  const parsed = parseExpiry(value);
  return typeof parsed === "number" ? parsed : Number.NaN;
}
