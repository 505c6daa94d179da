/**
 * `sdk/cometApiKeyTypes.ts`: the TypeScript SDK's declarations of `CometApiKey` (its arguments,
 * its outputs, their JSDoc with `@default` and `@example`, the property lists the resource passes
 * to the engine) and of the lookups' `ApiKeySummary`, written from the one description in `provider/model/description.ts` by
 * `npm run schema`. test/unit/apiKeyDescription.test.ts fails when the committed file differs.
 */
import {
  API_KEY_PROPERTIES,
  KEY_SUMMARY_FIELDS,
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
    "/** A key as `getApiKey` / `getApiKeys` return it: never its value. */",
    "export interface ApiKeySummary {",
    ...KEY_SUMMARY_FIELDS.flatMap((f) => [
      ...jsDoc("  ", f.doc),
      `  ${f.name}${f.optional ? "?" : ""}: ${f.sdkType ?? TS_TYPES[f.type]};`,
    ]),
    "}",
    "",
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
