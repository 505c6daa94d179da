/**
 * When two states of a key count as the same (pure functions): which declared properties differ
 * for the engine's diff, when a different `adoptKeyId` forces a replacement, and whether two wire
 * field sets are the same on the server. Lists compare as sets; IP entries in canonical form.
 */

import type { KeyFieldName } from "../model/fields.js";
import { COMPARED_NAMES, canonicalEntryOf, sameInputValue } from "../model/propertyRules.js";
import { isUnknown } from "./inputs.js";

/** The compared properties whose new value is unknown or differs from the old one (by each input's comparison). */
export function changedProperties(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  return COMPARED_NAMES.filter((p) => isUnknown(news[p]) || !sameInputValue(p, olds[p], news[p]));
}

/** Whether `news` adopts another key than `olds` holds: a different resource; an unknown id may be different. */
export function adoptsAnotherKey(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  const adopt = news.adoptKeyId;
  return adopt !== undefined && (isUnknown(adopt) || (adopt !== olds.keyId && adopt !== olds.adoptKeyId));
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
