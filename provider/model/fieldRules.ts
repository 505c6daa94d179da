/**
 * What follows from the description of the plain fields (`model/fields.ts`), field by field: the
 * wire mapping, the normal form a live record is compared in, whether a server build holds them,
 * and the account checks (their check and diff come with every input's: `model/propertyRules.ts`). Nothing here names a field: a new entry in `KEY_FIELDS` gets all
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
import { copyValue } from "./inputRules.js";
import { canonicalEntryOf, sameInputValue } from "./propertyRules.js";

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
    values[name] = value ?? copyValue(field.absent);
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
    KEY_FIELD_LIST.map(([name, field]) => [name, copyValue(field.absent)]),
  ) as KeyFieldValues;
}

/** The plain fields of `source` (copied). */
export function pickKeyFields(source: KeyFieldValues): KeyFieldValues {
  return Object.fromEntries(
    KEY_FIELD_LIST.map(([name]) => [name, copyValue(source[name])]),
  ) as KeyFieldValues;
}

/** The normal form of the plain fields: sets canonical and sorted. Equal values have equal forms. */
export function normalKeyFields(values: KeyFieldValues): KeyFieldValues {
  return Object.fromEntries(
    KEY_FIELD_LIST.map(([name, field]) => {
      const value = values[name];
      return [
        name,
        field.compare === "set" ? (value as string[]).map(canonicalEntryOf(name)).sort() : copyValue(value),
      ];
    }),
  ) as KeyFieldValues;
}

/** The set fields of a refreshed `live` in the order `old` wrote them, where they are the same set. */
export function inWrittenOrder(old: Partial<KeyFieldValues>, live: KeyFieldValues): KeyFieldValues {
  const out: Record<string, unknown> = { ...live };
  for (const name of SET_FIELD_NAMES) {
    if (old[name] !== undefined && sameInputValue(name, old[name], live[name])) out[name] = old[name];
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
    (name) => !sameInputValue(name, declared[name], KEY_FIELDS[name].absent),
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
    Object.assign(held, { [name]: copyValue(KEY_FIELDS[name].absent) });
  return held;
}
