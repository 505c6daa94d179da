/**
 * What an input's rule is (`InputRule`, with the `CheckContext` it runs in) and the building blocks
 * of the rules (pure functions): the engine's unknown sentinel, list checks entry by entry. Every
 * input described in `model/fields.ts` and `model/properties.ts` carries its rule.
 */
import { describeValue } from "../shared/describeValue.js";
import type { PropertyType } from "./description.js";

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

/** What a rule sees while `check` runs. */
export interface CheckContext {
  readonly fail: Fail;
  /**
   * The inputs checked so far (the properties before this one, in description order). A rule may
   * add the provider's bookkeeping here (the auto-name).
   */
  readonly checked: Record<string, unknown>;
  /** The new inputs as given. */
  readonly news: Readonly<Record<string, unknown>>;
  /** The inputs stored before (empty at create). */
  readonly olds: Readonly<Record<string, unknown>>;
  /** Unix seconds. */
  readonly now: number;
  readonly isCreate: boolean;
  readonly naming: AutoNaming;
}

/**
 * How diff compares two values of an input: `equal` (the same value), `ordered` (a list whose
 * order matters: a reorder is a change), `set` (a list whose order means nothing; entries in
 * canonical form), `instant` (two times, whatever their notation), or `replaces` (not compared in
 * place: another value is another resource).
 */
export type Comparison = "equal" | "ordered" | "set" | "instant" | "replaces";

/**
 * One input of the key: its documentation (the schema, `docs/reference.md` and the SDKs' JSDoc come
 * from it), its rule, and how diff compares it. `V` is its checked value.
 */
export interface InputRule<V> {
  readonly type: PropertyType;
  /** Documentation of the input. */
  readonly inputDoc: string;
  /** Documentation of the output. */
  readonly outputDoc: string;
  /**
   * In the lookups' summaries of a key (`getApiKey`, `getApiKeys`): `true` with the output's doc, or
   * the doc to use there; absent: not in them.
   */
  readonly summary?: true | string;
  /** What `check` enforces, in words. */
  readonly constraints?: string;
  /** Schema default, when the default is a plain value. */
  readonly default?: string | number | boolean;
  /** The TypeScript SDK's `@default`. */
  readonly sdkDefault: string;
  /** The TypeScript SDK's `@example`. */
  readonly example: string;
  /** The TypeScript SDK's input type where it is richer than the schema's, e.g. `string | number`. */
  readonly sdkInputType?: string;
  /**
   * The value when the input is absent; undefined: the property stays absent. An input with a value
   * when absent (here or from `whenAbsent`) is always in the outputs.
   */
  readonly absent?: V;
  readonly compare: Comparison;
  /**
   * What a refresh does with it: `live`, the key holds it and a refresh reads it back; `kept`, it is
   * the program's wish (nothing on the key can drift from it) and a refresh keeps it. @default "live"
   */
  readonly refresh?: "live" | "kept";
  /** A list entry in canonical form, for `set` comparisons. @default the entry as it is */
  canonical?(entry: string): string;
  /**
   * The normal form of a given, known value (neither absent nor the unknown sentinel), or
   * undefined after `ctx.fail` was called.
   */
  check(value: unknown, ctx: CheckContext): V | undefined;
  /** The value when the input is absent, where `absent` cannot say (a generated name). */
  whenAbsent?(ctx: CheckContext): V | undefined;
  /**
   * The rules that tie this input to others, run after its own check whatever it was: `given` is
   * the input as given (undefined when absent).
   */
  relate?(given: unknown, ctx: CheckContext): void;
}

/** A boolean input as it is, or undefined after a failure naming `property`. */
export function checkBoolean(value: unknown, property: string, fail: Fail): boolean | undefined {
  if (typeof value === "boolean") return value;
  fail(property, `must be true or false, got ${describeValue(value)}`);
  return undefined;
}

/** A value to store: a list copied (a rule's `absent` list is shared), anything else as it is. */
export function copyValue<T>(value: T): T {
  return (Array.isArray(value) ? [...value] : value) as T;
}

/** True when an input was given (neither undefined nor null). */
export function isGiven(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
 * Checks a given list input entry by entry; returns the normalised entries in the order written
 * (unknown entries pass through). Each entry once: a repeat fails naming both.
 */
export function checkList(
  value: unknown,
  property: string,
  fail: Fail,
  entry: (text: string, path: string) => { value: string } | { reason: string },
): string[] {
  if (!Array.isArray(value)) {
    fail(property, `must be a list of strings, got ${describeValue(value)}`);
    return [];
  }
  const result: string[] = [];
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
