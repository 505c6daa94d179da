/**
 * The key's plain fields, described once: each field's documentation, its input rule, how diff
 * compares it, its wire form (snake_case, with the conversions) and, where it has one, its check
 * against the account. They take their place among the key's inputs in `model/properties.ts`;
 * what follows from them (`model/fieldRules.ts`, `model/propertyRules.ts`): the input list and
 * `check`, the wire schema and mapping (`wire.ts`, `client.ts`), the diff and the sameness of two
 * records, the create fingerprint, the lookups' summaries, the schema, `docs/reference.md` and the
 * TypeScript SDK's members (`npm run schema`).
 *
 * A plain field is one the lifecycle carries as it is: declared, sent, read back, compared. Adding
 * one is one entry here (see docs/architecture.md, "Adding a field").
 */
import { z } from "zod";
import { describeValue } from "../shared/describeValue.js";
import { canonicalIpEntry, parseIpEntry } from "../shared/ip.js";
import { didYouMean } from "../shared/suggest.js";
import {
  checkBoolean,
  checkList,
  type Fail,
  hasControlCharacters,
  type InputRule,
  isUnknown,
} from "./inputRules.js";

/**
 * What a field's account check may ask about the account (the session's `AccountCatalog` is one):
 * the groups the caller may select, or undefined when the service cannot say.
 */
export interface AccountView {
  usableGroups(): Promise<readonly { name: string }[] | undefined>;
}

/** One plain field: an input with a value when absent, and its wire form. `V`: its value; `S`: its wire fields (zod shapes, snake_case). */
export interface KeyFieldSpec<V, S extends z.ZodRawShape> extends InputRule<V> {
  readonly absent: V;
  readonly compare: "equal" | "ordered" | "set";
  /** Documentation of the field in the lookups' summaries (every plain field is in them). */
  readonly summary: string;
  /** Failures of a checked, known value against what the account may use (`cometapi:checkAccount`). */
  accountCheck?(
    value: V,
    checked: Readonly<Record<string, unknown>>,
    catalog: AccountView,
  ): Promise<string[]>;
  /** The field's wire fields as the service sends them. */
  readonly wire: S;
  /** The value in a record; undefined: this server build does not know the field. */
  fromWire(wire: z.infer<z.ZodObject<S>>): V | undefined;
  /** What a create or a full update sends. */
  toWire(value: V): z.infer<z.ZodObject<S>>;
}

/** A field spec with `V` fixed and the wire shape inferred. */
function keyField<V>() {
  return <S extends z.ZodRawShape>(spec: KeyFieldSpec<V, S>): KeyFieldSpec<V, S> => spec;
}

/** Splits a joined wire list into trimmed, non-empty entries. */
function splitList(value: string | null | undefined, separator: RegExp): string[] {
  return (value ?? "")
    .split(separator)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** `property` may be set only with `group: "auto"` (once the group is known). */
function onlyWithAutoGroup(property: string, fail: Fail, checked: Readonly<Record<string, unknown>>): void {
  if (isUnknown(checked.group) || checked.group === "auto") return;
  fail(
    property,
    `only works with group "auto" (group is "${String(checked.group ?? "")}"); set group: "auto" or drop ${property}`,
  );
}

/** The plain fields, in input order (after `unlimitedQuota`, before `enabled`). */
export const KEY_FIELDS = {
  models: keyField<string[]>()({
    type: "string[]",
    inputDoc: "Model ids the key may call; each without commas or spaces, each once. Compared as a set.",
    outputDoc: "Allowed models, in the order written.",
    summary: "Allowed models, sorted (empty: every model).",
    constraints: "no commas, no white space, no repeats",
    sdkDefault: "[] (every model the account can use)",
    example: 'models: ["gpt-4o-mini", "claude-3-5-haiku-latest"]',
    absent: [],
    compare: "set",
    check: (value, { fail }) =>
      checkList(value, "models", fail, (entry, path) => {
        if (entry.trim() === "") return { reason: `${path} is empty` };
        const model = entry.trim();
        if (model.includes(","))
          return { reason: `${path} "${model}" contains a comma; list each model id separately` };
        if (/\s/.test(model))
          return { reason: `${path} "${model}" contains white space; model ids have none` };
        if (hasControlCharacters(model)) return { reason: `${path} contains control characters` };
        return { value: model };
      }),
    wire: { model_limits_enabled: z.boolean().nullish(), model_limits: z.string().nullish() },
    fromWire: (w) => (w.model_limits_enabled ? splitList(w.model_limits, /,/) : []),
    toWire: (models) => ({ model_limits_enabled: models.length > 0, model_limits: models.join(",") }),
  }),
  allowIps: keyField<string[]>()({
    type: "string[]",
    inputDoc:
      "Client addresses allowed to use the key: IPv4/IPv6 addresses and CIDRs, each once. Compared as a set in canonical form (`1.2.3.4` equals `1.2.3.4/32`); a CIDR with host bits set is refused.",
    outputDoc: "Allowed addresses and CIDRs in canonical form, in the order written.",
    summary: "Allowed addresses and CIDRs, sorted (empty: any).",
    constraints: "IPv4/IPv6 addresses or CIDRs without host bits, no repeats",
    sdkDefault: "[] (any address)",
    example: 'allowIps: ["10.0.0.0/8", "2001:db8::/32"]',
    absent: [],
    compare: "set",
    canonical: canonicalIpEntry,
    check: (value, { fail }) =>
      checkList(value, "allowIps", fail, (entry, path) => {
        const parsed = parseIpEntry(entry);
        return parsed.ok ? { value: parsed.canonical } : { reason: `${path} ${parsed.reason}` };
      }),
    // `null` and `""` both mean none; some builds join with commas.
    wire: { allow_ips: z.string().nullish() },
    fromWire: (w) => splitList(w.allow_ips, /[\n,]/),
    toWire: (ips) => ({ allow_ips: ips.join("\n") }),
  }),
  group: keyField<string>()({
    type: "string",
    inputDoc: 'The account group whose channels serve this key (`"auto"` lets the service choose).',
    outputDoc: "The account group serving the key (empty: the account's default group).",
    summary: "The account group serving the key.",
    constraints: "no commas or control characters",
    default: "",
    sdkDefault: `"" (the account's default group)`,
    example: 'group: "auto"',
    absent: "",
    compare: "equal",
    check: (value, { fail }) => {
      if (typeof value !== "string") fail("group", `must be a string, got ${describeValue(value)}`);
      else if (hasControlCharacters(value) || value.includes(","))
        fail("group", "must not contain commas or control characters");
      else return value.trim();
      return undefined;
    },
    wire: { group: z.string().nullish() },
    fromWire: (w) => w.group ?? "",
    toWire: (group) => ({ group }),
  }),
  crossGroupRetry: keyField<boolean>()({
    type: "boolean",
    inputDoc: 'Retry a failed request in another group; only with `group: "auto"`.',
    outputDoc: "Whether a failed request is retried in another group.",
    summary: "Whether a failed request is retried in another group.",
    constraints: 'only with group "auto"',
    default: false,
    sdkDefault: "false",
    example: "crossGroupRetry: true",
    absent: false,
    compare: "equal",
    check: (value, { fail, checked }) => {
      const retry = checkBoolean(value, "crossGroupRetry", fail);
      if (retry) onlyWithAutoGroup("crossGroupRetry", fail, checked);
      return retry;
    },
    wire: { cross_group_retry: z.boolean().nullish() },
    fromWire: (w) => w.cross_group_retry ?? false,
    toWire: (crossGroupRetry) => ({ cross_group_retry: crossGroupRetry }),
  }),
  autoGroups: keyField<string[]>()({
    type: "string[]",
    inputDoc:
      'The groups `group: "auto"` tries, in this order (a reorder is a change): each a group the account may select, each once. Empty: the service\'s own order. Only with `group: "auto"`; service builds from before new-api\'s `auto_groups` (2026-08) refuse a non-empty list.',
    outputDoc: 'The groups `group: "auto"` tries, in the order written (empty: the service\'s order).',
    summary: 'The groups `group: "auto"` tries, in order (empty: the service\'s order).',
    constraints: 'only with group "auto"; groups the account may select; no repeats',
    sdkDefault: "[] (the service's order)",
    example: 'autoGroups: ["vip", "default"]',
    absent: [],
    compare: "ordered",
    check: (value, { fail, checked }) => {
      const groups = checkList(value, "autoGroups", fail, (entry, path) => {
        const group = entry.trim();
        if (group === "") return { reason: `${path} is empty` };
        if (hasControlCharacters(group) || group.includes(","))
          return { reason: `${path} must not contain commas or control characters` };
        if (group === "auto") return { reason: `${path} is "auto"; list the groups auto chooses from` };
        return { value: group };
      });
      if (groups.length > 0) onlyWithAutoGroup("autoGroups", fail, checked);
      return groups;
    },
    accountCheck: async (groups, _checked, catalog) => {
      const known = groups.filter((g) => !isUnknown(g));
      if (known.length === 0) return [];
      const usable = await catalog.usableGroups();
      if (!usable) return [];
      const names = usable.map((g) => g.name).filter((name) => name !== "auto");
      return groups.flatMap((group, index) =>
        isUnknown(group) || names.includes(group)
          ? []
          : [
              `autoGroups[${index}] "${group}" is not a group this account may select${didYouMean(group, names)} ` +
                `(selectable: ${names.length > 0 ? names.join(", ") : "none"})`,
            ],
      );
    },
    // Builds from before it send no `auto_groups` at all (unknown); `null` means none.
    wire: { auto_groups: z.array(z.string()).nullish() },
    fromWire: (w) => (w.auto_groups === undefined ? undefined : (w.auto_groups ?? [])),
    toWire: (autoGroups) => ({ auto_groups: autoGroups }),
  }),
} as const;

export type KeyFieldName = keyof typeof KEY_FIELDS;

/** The values of the plain fields, typed from the description. */
export type KeyFieldValues = { [K in KeyFieldName]: (typeof KEY_FIELDS)[K]["absent"] };
