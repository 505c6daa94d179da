/**
 * The building blocks of input checks (pure functions): the engine's unknown sentinel, list
 * checks entry by entry. Used by `key/inputs.ts` for the properties with lifecycle rules and by
 * `model/fields.ts` for the fields it describes.
 */
import { describeValue } from "../shared/describeValue.js";

/** The sentinel string the engine puts where a value is not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when the value is, or contains, the engine's unknown sentinel. */
export function isUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(isUnknown);
  return false;
}

/** Records one failure of `property`, in words that say the rule. */
export type Fail = (property: string, reason: string) => void;

/**
 * Checks a list input entry by entry; returns the normalised entries in the order written (an
 * unknown list, or unknown entries, pass through). Each entry once: a repeat fails naming both.
 */
export function checkList(
  value: unknown,
  property: string,
  fail: Fail,
  entry: (text: string, path: string) => { value: string } | { reason: string },
): unknown {
  if (value === undefined || value === null) return [];
  if (value === UNKNOWN) return value;
  if (!Array.isArray(value)) {
    fail(property, `must be a list of strings, got ${describeValue(value)}`);
    return [];
  }
  const result: unknown[] = [];
  const seen = new Map<string, number>();
  value.forEach((item, index) => {
    const path = `${property}[${index}]`;
    if (item === UNKNOWN) {
      result.push(item);
      return;
    }
    if (typeof item !== "string") {
      fail(property, `${path} must be a string, got ${describeValue(item)}`);
      return;
    }
    const checked = entry(item, path);
    if ("reason" in checked) {
      fail(property, checked.reason);
      return;
    }
    const first = seen.get(checked.value);
    if (first !== undefined) {
      fail(property, `${path} "${item}" repeats ${property}[${first}]; list each entry once`);
      return;
    }
    seen.set(checked.value, index);
    result.push(checked.value);
  });
  return result;
}

export function hasControlCharacters(text: string): boolean {
  return /\p{Cc}/u.test(text);
}
