/**
 * What follows from the description of the key's inputs (`model/properties.ts`), input by input:
 * the input list, `check` (each input's rule, in order) and the comparison diff makes. Nothing here
 * names an input: a new entry gets all of it.
 */
import { parseExpiry } from "../shared/timestamp.js";
import { type CheckContext, copyValue, type InputRule, isGiven, UNKNOWN } from "./inputRules.js";
import { KEY_INPUTS, type KeyInputName } from "./properties.js";

/** The inputs as a list, in description order. Each entry's functions see only values of its own input. */
const INPUT_LIST: readonly (readonly [KeyInputName, InputRule<unknown>])[] = Object.entries(KEY_INPUTS) as [
  KeyInputName,
  InputRule<unknown>,
][];

/** The inputs users set, in order. */
export const INPUT_NAMES: readonly KeyInputName[] = INPUT_LIST.map(([name]) => name);

/** The inputs diff compares in place: all but those whose change means another resource (`replaces`). */
export const COMPARED_NAMES: readonly KeyInputName[] = INPUT_LIST.filter(
  ([, rule]) => rule.compare !== "replaces",
).map(([name]) => name);

/** The inputs a refresh keeps as the program wrote them (its wishes: the key holds nothing of them). */
export const KEPT_ON_REFRESH_NAMES: readonly KeyInputName[] = INPUT_LIST.filter(
  ([, rule]) => rule.refresh === "kept",
).map(([name]) => name);

/** The inputs `check` always stores (each has a value when not given). */
export const ALWAYS_PRESENT_NAMES: readonly KeyInputName[] = INPUT_LIST.filter(([, rule]) =>
  alwaysPresent(rule),
).map(([name]) => name);

/** Whether an input has a value when not given (and so is always in the outputs). */
export function alwaysPresent(rule: InputRule<unknown>): boolean {
  return rule.absent !== undefined || rule.whenAbsent !== undefined;
}

/**
 * Checks every input of `ctx.news` into `ctx.checked`, in description order: absent → its
 * `absent` value (or `whenAbsent`), unknown → as it is, else its rule; then its `relate` rules.
 */
export function checkKeyInputs(ctx: CheckContext): void {
  for (const [name, rule] of INPUT_LIST) {
    const raw = ctx.news[name];
    const value = !isGiven(raw)
      ? rule.whenAbsent
        ? rule.whenAbsent(ctx)
        : copyValue(rule.absent)
      : raw === UNKNOWN
        ? raw
        : rule.check(raw, ctx);
    if (value !== undefined) ctx.checked[name] = value;
    rule.relate?.(isGiven(raw) ? raw : undefined, ctx);
  }
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function instant(value: unknown): number {
  if (!isGiven(value)) return -1;
  const parsed = parseExpiry(value);
  return typeof parsed === "number" ? parsed : Number.NaN;
}

/** The canonical form of one entry of input `name`'s list (IP entries normalised; others as written). */
export function canonicalEntryOf(name: KeyInputName): (entry: string) => string {
  const rule: InputRule<unknown> = KEY_INPUTS[name];
  return rule.canonical ?? ((entry) => entry);
}

/** Whether two values of input `name` are the same to the service (absent counts as its `absent` value). */
export function sameInputValue(name: KeyInputName, a: unknown, b: unknown): boolean {
  const rule: InputRule<unknown> = KEY_INPUTS[name];
  switch (rule.compare) {
    case "equal":
    case "replaces":
      return (a ?? rule.absent) === (b ?? rule.absent);
    case "instant":
      return instant(a) === instant(b);
    case "ordered":
    case "set": {
      const canonical = canonicalEntryOf(name);
      const left = strings(a).map(canonical);
      const right = strings(b).map(canonical);
      if (rule.compare === "ordered")
        return left.length === right.length && left.every((v, i) => v === right[i]);
      return sameSet(left, right);
    }
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}
