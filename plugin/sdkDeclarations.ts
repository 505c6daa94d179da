/**
 * `sdk/cometApiKeyTypes.ts`: the TypeScript SDK's declarations of `CometApiKey` (its arguments,
 * its outputs, their JSDoc with `@default` and `@example`, the property lists the resource passes
 * to the engine) and of the lookups' arguments and results, written from the one description in `provider/model/description.ts` by
 * `npm run schema`. test/unit/apiKeyDescription.test.ts fails when the committed file differs.
 */
import {
  API_KEY_PROPERTIES,
  type ArgumentDescription,
  LISTED_OBJECTS,
  LOOKUPS,
  type LookupFieldType,
  type LookupObjectDescription,
  listedObject,
  type PropertyDescription,
  type PropertyType,
  RETIRED_KEY_FIELDS,
} from "../provider/model/description.js";

/** The TypeScript type of a schema type. */
const TS_TYPES: Record<PropertyType, string> = {
  string: "string",
  integer: "number",
  number: "number",
  boolean: "boolean",
  "string[]": "string[]",
  "retiredKey[]": "RetiredKey[]",
};

/** The TypeScript type of a lookup field's type: a property type, or a list of a listed object. */
function tsType(type: LookupFieldType): string {
  const listed = listedObject(type);
  return listed ? `${listed.name}[]` : TS_TYPES[type as PropertyType];
}

/** A JSDoc block at `indent`, its text wrapped before column 100, then its tags. */
function jsDoc(indent: string, text: string, tags: string[] = []): string[] {
  const width = 100 - indent.length - 3;
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  const body = [...lines, ...tags];
  if (body.length === 1 && indent.length + 7 + (body[0] as string).length <= 110) {
    return [`${indent}/** ${body[0]} */`];
  }
  return [`${indent}/**`, ...body.map((l) => `${indent} * ${l}`), `${indent} */`];
}

function inputMember(p: PropertyDescription): string[] {
  const type = p.sdkInputType ?? (p.type === "string[]" ? "pulumi.Input<string>[]" : TS_TYPES[p.type]);
  const tags = [
    ...(p.sdkDefault === undefined ? [] : [`@default ${p.sdkDefault}`]),
    ...(p.example === undefined ? [] : [`@example ${p.example}`]),
  ];
  return [...jsDoc("  ", p.inputDoc ?? "", tags), `  ${p.name}?: pulumi.Input<${type}>;`];
}

function outputMember(p: PropertyDescription): string[] {
  const base = p.sdkOutputType ?? TS_TYPES[p.type];
  const type = p.alwaysOutput || p.sdkOutputType !== undefined ? base : `${base} | undefined`;
  return [...jsDoc("  ", p.outputDoc), `  readonly ${p.name}: pulumi.Output<${type}>;`];
}

/** An object type the lookups return. */
function objectInterface(object: LookupObjectDescription): string[] {
  return [
    ...jsDoc("", object.doc),
    `export interface ${object.name} {`,
    ...object.fields.flatMap((f) => [
      ...jsDoc("  ", f.doc),
      `  ${f.name}${f.optional ? "?" : ""}: ${f.sdkType ?? tsType(f.type)};`,
    ]),
    "}",
    "",
  ];
}

/** A lookup's arguments, e.g. `GetApiKeysArgs`. */
function argumentsInterface(lookupName: string, args: readonly ArgumentDescription[]): string[] {
  return [
    `/** Arguments of \`${lookupName}\`. */`,
    `export interface ${lookupName[0]?.toUpperCase()}${lookupName.slice(1)}Args {`,
    ...args.flatMap((a) => [
      ...jsDoc("  ", a.doc, [
        ...(a.sdkDefault === undefined ? [] : [`@default ${a.sdkDefault}`]),
        ...(a.example === undefined ? [] : [`@example ${a.example}`]),
      ]),
      `  ${a.name}${a.required ? "" : "?"}: ${TS_TYPES[a.type]};`,
    ]),
    "}",
    "",
  ];
}

/** The lookups' arguments and results, each object type once. */
function lookupDeclarations(): string[] {
  const objects: LookupObjectDescription[] = Object.values(LISTED_OBJECTS);
  for (const lookup of LOOKUPS) if (!objects.includes(lookup.result)) objects.push(lookup.result);
  return [
    ...LOOKUPS.flatMap((l) => (l.args.length === 0 ? [] : argumentsInterface(l.name, l.args))),
    ...objects.flatMap(objectInterface),
  ];
}

function nameList(constName: string, doc: string, names: readonly string[]): string[] {
  return [`/** ${doc} */`, `export const ${constName} = [`, ...names.map((n) => `  "${n}",`), "] as const;"];
}

/** The whole file. */
export function sdkDeclarationsSource(): string {
  const inputs = API_KEY_PROPERTIES.filter((p) => p.inputDoc !== undefined);
  const computed = API_KEY_PROPERTIES.filter((p) => p.inputDoc === undefined);
  return `${[
    "// Written by `npm run schema` from provider/model/description.ts and provider/model/fields.ts:",
    "// edit those, not this file.",
    'import type * as pulumi from "@pulumi/pulumi";',
    "",
    "/** What the service says about a key: the user's wish (`enabled`/`disabled`) or the server's facts. */",
    'export type KeyStatus = "enabled" | "disabled" | "expired" | "exhausted";',
    "",
    "/** A key retired by a replacement (`retireAfter`), while it still works. */",
    "export interface RetiredKey {",
    ...RETIRED_KEY_FIELDS.flatMap((f) => [...jsDoc("  ", f.doc), `  ${f.name}: ${TS_TYPES[f.type]};`]),
    "}",
    "",
    "/** The arguments of a `CometApiKey`. Exactly one of `quota` and `unlimitedQuota: true` is required. */",
    "export interface CometApiKeyArgs {",
    ...inputs.flatMap(inputMember),
    "}",
    "",
    "/** The outputs of a `CometApiKey`: every input, normalised, and what the service reports. */",
    "export interface CometApiKeyOutputs {",
    ...API_KEY_PROPERTIES.flatMap(outputMember),
    "}",
    "",
    ...lookupDeclarations(),
    ...nameList(
      "COMET_API_KEY_INPUTS",
      "The inputs, in order.",
      inputs.map((p) => p.name),
    ),
    "",
    ...nameList(
      "COMET_API_KEY_COMPUTED",
      "The outputs that are not inputs.",
      computed.map((p) => p.name),
    ),
  ].join("\n")}\n`;
}
