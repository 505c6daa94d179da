/**
 * What follows from the description of the plain fields (`model/fields.ts`), field by field: the
 * input check, the wire mapping, the normal form a live record is compared in, the comparison diff
 * makes, and the account checks. Nothing here names a field: a new entry in `KEY_FIELDS` gets all
 * of it.
 */
import type { z } from "zod";
import { UnsupportedFieldError } from "../errors/providerErrors.js";
import {
  type AccountView,
  KEY_FIELDS,
  type KeyFieldName,
  type KeyFieldSpec,
  type KeyFieldValues,
} from "./fields.js";
import { type Fail, UNKNOWN } from "./inputRules.js";

// biome-ignore lint/suspicious/noExplicitAny: each entry is used only with its own values (see below)
type AnyKeyField = KeyFieldSpec<any, z.ZodRawShape>;

/**
 * The fields as a list, in description order. Each entry's functions are called only with values
 * of that same field (its checked input, its own wire fields): that is what makes the loose
 * element type safe.
 */
export const KEY_FIELD_LIST: readonly (readonly [KeyFieldName, AnyKeyField])[] = Object.entries(
  KEY_FIELDS,
) as [KeyFieldName, AnyKeyField][];

/** The plain fields' names, in input order. */
export const KEY_FIELD_NAMES: readonly KeyFieldName[] = KEY_FIELD_LIST.map(([name]) => name);

/** The list fields whose order means nothing (diff shows added and removed entries). */
export const SET_FIELD_NAMES: readonly KeyFieldName[] = KEY_FIELD_LIST.filter(
  ([, f]) => f.compare === "set",
).map(([name]) => name);

/** Every wire field of the plain fields (snake_case), for the record schema. */
export const KEY_FIELDS_WIRE_SHAPE: z.ZodRawShape = Object.assign(
  {},
  ...KEY_FIELD_LIST.map(([, f]) => f.wire),
);

function copy<T>(value: T): T {
  return (Array.isArray(value) ? [...value] : value) as T;
}

/**
 * Checks the plain fields of `news` into `out` (which holds the inputs checked before them):
 * absent → the field's `absent` value, unknown → as it is, else the field's rule.
 */
export function checkKeyFields(
  news: Readonly<Record<string, unknown>>,
  out: Record<string, unknown>,
  fail: Fail,
) {
  for (const [name, field] of KEY_FIELD_LIST) {
    const raw = news[name];
    if (raw === undefined || raw === null) out[name] = copy(field.absent);
    else if (raw === UNKNOWN) out[name] = raw;
    else {
      const value = field.check(raw, fail, out);
      if (value !== undefined) out[name] = value;
    }
  }
}

/** The account checks of the plain fields that have one; `skip`: properties that failed already. */
export async function keyFieldAccountFailures(
  inputs: Readonly<Record<string, unknown>>,
  catalog: AccountView,
  skip: ReadonlySet<string>,
): Promise<{ property: string; reason: string }[]> {
  const failures: { property: string; reason: string }[] = [];
  for (const [name, field] of KEY_FIELD_LIST) {
    const value = inputs[name];
    if (field.accountCheck === undefined || skip.has(name) || value === undefined) continue;
    for (const reason of await field.accountCheck(value, inputs, catalog))
      failures.push({ property: name, reason });
  }
  return failures;
}

/** The plain fields of a wire record; `unknown`: the fields this server build does not know. */
export function keyFieldsFromWire(wire: Readonly<Record<string, unknown>>): {
  values: KeyFieldValues;
  unknownFields: KeyFieldName[];
} {
  const values: Record<string, unknown> = {};
  const unknownFields: KeyFieldName[] = [];
  for (const [name, field] of KEY_FIELD_LIST) {
    const value = field.fromWire(wire);
    if (value === undefined) unknownFields.push(name);
    values[name] = value ?? copy(field.absent);
  }
  return { values: values as KeyFieldValues, unknownFields };
}

/** The wire fields a create or full update sends for the plain fields. */
export function keyFieldsToWire(values: KeyFieldValues): Record<string, unknown> {
  return Object.assign({}, ...KEY_FIELD_LIST.map(([name, field]) => field.toWire(values[name])));
}

/** Every plain field at its `absent` value (a key with no restriction, no group). */
export function absentKeyFields(): KeyFieldValues {
  return Object.fromEntries(
    KEY_FIELD_LIST.map(([name, field]) => [name, copy(field.absent)]),
  ) as KeyFieldValues;
}

/** The plain fields of `source` (copied). */
export function pickKeyFields(source: KeyFieldValues): KeyFieldValues {
  return Object.fromEntries(KEY_FIELD_LIST.map(([name]) => [name, copy(source[name])])) as KeyFieldValues;
}

/** The canonical form of one entry of field `name`'s list (IP entries normalised; others as written). */
export function canonicalEntryOf(name: KeyFieldName): (entry: string) => string {
  return canonicalOf(KEY_FIELDS[name]);
}

function canonicalOf(field: AnyKeyField): (entry: string) => string {
  return field.canonical ?? ((entry) => entry);
}

/** The normal form of the plain fields: sets canonical and sorted. Equal values have equal forms. */
export function normalKeyFields(values: KeyFieldValues): KeyFieldValues {
  return Object.fromEntries(
    KEY_FIELD_LIST.map(([name, field]) => {
      const value = values[name];
      return [
        name,
        field.compare === "set" ? (value as string[]).map(canonicalOf(field)).sort() : copy(value),
      ];
    }),
  ) as KeyFieldValues;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** Whether two values of field `name` are the same to the service (absent counts as the field's `absent`). */
export function sameKeyFieldValue(name: KeyFieldName, a: unknown, b: unknown): boolean {
  const field: AnyKeyField = KEY_FIELDS[name];
  if (field.compare === "equal") return (a ?? field.absent) === (b ?? field.absent);
  const canonical = canonicalOf(field);
  const left = strings(a).map(canonical);
  const right = strings(b).map(canonical);
  if (field.compare === "ordered")
    return left.length === right.length && left.every((v, i) => v === right[i]);
  return sameSet(left, right);
}

/** Whether every plain field of `a` and `b` is the same to the service. */
export function sameKeyFields(a: KeyFieldValues, b: KeyFieldValues): boolean {
  return KEY_FIELD_NAMES.every((name) => sameKeyFieldValue(name, a[name], b[name]));
}

/** The set fields of a refreshed `live` in the order `old` wrote them, where they are the same set. */
export function inWrittenOrder(old: Partial<KeyFieldValues>, live: KeyFieldValues): KeyFieldValues {
  const out: Record<string, unknown> = { ...live };
  for (const name of SET_FIELD_NAMES) {
    if (old[name] !== undefined && sameKeyFieldValue(name, old[name], live[name])) out[name] = old[name];
  }
  return out as KeyFieldValues;
}

/**
 * Throws `UnsupportedFieldError` when `declared` sets a plain field that `record` (as the server
 * answered a write) does not carry: this server build does not know it and cannot hold the value.
 * Fields left absent are fine on any build.
 */
export function assertFieldsHeld(
  declared: KeyFieldValues,
  record: { unknownFields?: readonly KeyFieldName[] },
  operation: string,
): void {
  const lost = (record.unknownFields ?? []).filter(
    (name) => !sameKeyFieldValue(name, declared[name], KEY_FIELDS[name].absent),
  );
  if (lost.length === 0) return;
  const wire = lost.flatMap((name) => Object.keys(KEY_FIELDS[name].wire).map((w) => `\`${w}\``));
  throw new UnsupportedFieldError(
    lost,
    `${lost.join(", ")}: this server build does not support ${lost.length > 1 ? "these fields" : "this field"} ` +
      `(its key records have no ${wire.join(", ")}), so it cannot hold the value. Remove ${lost.join(", ")} ` +
      "from the program, or use a service build that has it",
    operation,
  );
}

/** `inputs` with the plain fields `record`'s server does not know as the record shows them (absent): what state may claim. */
export function heldBy<T extends KeyFieldValues>(
  inputs: T,
  record: { unknownFields?: readonly KeyFieldName[] },
): T {
  const held = { ...inputs };
  for (const name of record.unknownFields ?? [])
    Object.assign(held, { [name]: copy(KEY_FIELDS[name].absent) });
  return held;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}
