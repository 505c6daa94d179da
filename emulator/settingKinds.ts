/**
 * The kinds of value an emulator setting takes. A kind states its rule, checks a given value
 * (options object, control API) and reads the text of a CLI flag or environment variable.
 */

export class SettingError extends Error {}

export interface SettingKind<T> {
  /** What a value must be, as errors say it: `a non-negative integer`. */
  readonly rule: string;
  /** How `--help` shows the flag's value: `=N`, `[=true|false]`. */
  readonly placeholder: string;
  /** A bare `--flag`, with no value, is allowed and reads as the text "". */
  readonly bare?: true;
  /** The value (a copy) when it follows the rule, else undefined. */
  check(value: unknown): T | undefined;
  /** The value a flag's or env var's text stands for, before `check`; undefined = not given. */
  read(text: string): unknown;
}

/** `value` checked against `kind`; the error names `label` (a field, flag or env var) and the rule. */
export function checked<T>(kind: SettingKind<T>, label: string, value: unknown, given: unknown = value): T {
  const result = kind.check(value);
  if (result !== undefined) return result;
  const shown = typeof given === "number" ? String(given) : (JSON.stringify(given) ?? String(given));
  throw new SettingError(`${label}: expected ${kind.rule}, got ${shown}`);
}

/** Reads text as true when it is one of `on`, false when one of `off` (trimmed, any case), else as itself. */
export function onOffReader(on: string[], off: string[]): (text: string) => unknown {
  return (text) => {
    const word = text.trim().toLowerCase();
    return on.includes(word) ? true : off.includes(word) ? false : text;
  };
}

export const yesNo: SettingKind<boolean> = {
  rule: "true or false",
  placeholder: "[=true|false]",
  bare: true,
  check: (value) => (typeof value === "boolean" ? value : undefined),
  read: onOffReader(["true", "1", "yes", "on", ""], ["false", "0", "no", "off"]),
};

export function oneOf<const T extends string>(...choices: T[]): SettingKind<T> {
  return {
    rule: choices.map((c) => JSON.stringify(c)).join(" or "),
    placeholder: `=${choices.join("|")}`,
    check: (value) => choices.find((c) => c === value),
    read: (text) => text.trim(),
  };
}

export const textList: SettingKind<string[]> = {
  rule: "a list of strings (comma-separated in a flag)",
  placeholder: "=A,B,…",
  check: (value) =>
    Array.isArray(value) && value.every((s) => typeof s === "string") ? [...value] : undefined,
  read: (text) =>
    text
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== ""),
};

export function nonNegative(what: "integer" | "number"): SettingKind<number> {
  const follows = (v: number) => Number.isFinite(v) && v >= 0 && (what === "number" || Number.isInteger(v));
  return {
    rule: `a non-negative ${what}`,
    placeholder: "=N",
    check: (value) => (typeof value === "number" && follows(value) ? value : undefined),
    read: (text) => (text.trim() === "" ? text : Number(text)),
  };
}

/** Free text; an empty flag or env var counts as not given. */
export function text(placeholder: string): SettingKind<string> {
  return {
    rule: "a string",
    placeholder: `=${placeholder}`,
    check: (value) => (typeof value === "string" ? value : undefined),
    read: (text) => (text === "" ? undefined : text),
  };
}
