/**
 * `docs/reference.md`: every input and output of the key resource, the provider configuration and
 * the lookup functions, written from the one description in `provider/model/description.ts`, the
 * same words the schema and the TypeScript JSDoc carry. `npm run schema` writes it next to
 * `schema.json`; test/unit/apiKeyDescription.test.ts fails when the committed file differs.
 */
import {
  API_KEY_DOC,
  API_KEY_PROPERTIES,
  API_KEY_TOKEN,
  argumentDoc,
  GROUP_SUMMARY,
  LOOKUPS,
  type LookupDescription,
  type LookupObjectDescription,
  PROVIDER_CONFIG,
  type PropertyDescription,
} from "../provider/model/description.js";
import { SET_FIELD_NAMES } from "../provider/model/fieldRules.js";

/** A table cell: no line breaks, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
}

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ].join("\n");
}

function typeOf(p: { type: string }): string {
  return `\`${p.type}\``;
}

function inputRow(p: PropertyDescription): string[] {
  const defaults = p.default === undefined ? "" : ` Default: \`${JSON.stringify(p.default)}\`.`;
  return [`\`${p.name}\``, typeOf(p), `${p.inputDoc ?? ""}${defaults}`, p.constraints ?? ""];
}

function outputRow(p: PropertyDescription): string[] {
  return [`\`${p.name}\``, p.secret ? `${typeOf(p)}, **secret**` : typeOf(p), p.outputDoc];
}

function fieldsTable(object: LookupObjectDescription): string {
  return table(
    ["field", "type", "meaning"],
    object.fields.map((f) => [`\`${f.name}\``, typeOf(f), f.doc]),
  );
}

function objectSection(object: LookupObjectDescription, title: string): string[] {
  return [`${title} (\`${object.name}\`):`, "", fieldsTable(object)];
}

function lookupSection(lookup: LookupDescription): string[] {
  return [
    "",
    `### \`${lookup.name}\` (\`${lookup.token}\`)`,
    "",
    lookup.doc,
    ...(lookup.args.length === 0
      ? []
      : [
          "",
          table(
            ["argument", "type", "meaning"],
            lookup.args.map((a) => [
              `\`${a.name}\``,
              typeOf(a),
              `${argumentDoc(a)}${a.required ? " Required." : ""}`,
            ]),
          ),
        ]),
    "",
    ...objectSection(lookup.result, "It returns"),
  ];
}

/** The whole reference page. */
export function referenceMarkdown(): string {
  const inputs = API_KEY_PROPERTIES.filter((p) => p.inputDoc !== undefined);
  const outputs = API_KEY_PROPERTIES.filter((p) => p.inputDoc === undefined);
  return `${[
    "# Reference",
    "",
    "<!-- Written by `npm run schema` from provider/model/description.ts; edit that file, not this one. -->",
    "",
    "One resource, served two ways: `CometApiKey` from `pulumi-cometapi` in TypeScript programs (type token",
    "`pulumi-nodejs:dynamic/cometapi:CometApiKey`), and",
    `\`${API_KEY_TOKEN}\` from the \`pulumi-resource-cometapi\` plugin in every language. Both have the same`,
    "inputs and outputs, with the same rules: every input is checked before any request, all failures at once,",
    "each naming the property; values not known yet during a preview are not validated.",
    "",
    API_KEY_DOC,
    "",
    "## Inputs",
    "",
    table(["input", "type", "meaning", "rule"], inputs.map(inputRow)),
    "",
    "## Outputs",
    "",
    `Every input, normalised (\`expiresAt\` as ISO-8601 UTC, ${SET_FIELD_NAMES.map((n) => `\`${n}\``).join(" and ")} canonical, in the order written), and:`,
    "",
    table(["output", "type", "meaning"], outputs.map(outputRow)),
    "",
    "## Provider configuration",
    "",
    "Stack config `cometapi:<name>` (the default provider) or the inputs of an explicit",
    "`pulumi:providers:cometapi`; the environment variable when neither is set.",
    "",
    table(
      ["config", "environment", "meaning"],
      PROVIDER_CONFIG.map((c) => [
        `\`cometapi:${c.name}\`${c.secret ? " (secret)" : ""}`,
        `\`${c.env}\``,
        c.doc,
      ]),
    ),
    "",
    "## Lookup functions",
    "",
    "Read only, never a secret: the native plugin serves them by token, the TypeScript SDK as functions.",
    ...LOOKUPS.flatMap(lookupSection),
    "",
    ...objectSection(GROUP_SUMMARY, "Each group `getGroups` returns"),
  ].join("\n")}\n`;
}
