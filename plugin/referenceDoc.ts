/**
 * `docs/reference.md`: every input and output of the key resource, the provider configuration and
 * the lookup functions, written from the one description in `provider/model/description.ts`, the
 * same words the schema and the TypeScript JSDoc carry. `npm run schema` writes it next to
 * `schema.json`; test/unit/apiKeyDescription.test.ts fails when the committed file differs.
 */
import {
  ACCOUNT_SUMMARY_FIELDS,
  API_KEY_DOC,
  API_KEY_PROPERTIES,
  API_KEY_TOKEN,
  GET_ACCOUNT_DOC,
  GET_ACCOUNT_TOKEN,
  GET_API_KEY_DOC,
  GET_API_KEY_TOKEN,
  GET_API_KEYS_DOC,
  GET_API_KEYS_TOKEN,
  GET_GROUPS_DOC,
  GET_GROUPS_TOKEN,
  GET_MODELS_DOC,
  GET_MODELS_TOKEN,
  GROUP_SUMMARY_FIELDS,
  KEY_SUMMARY_FIELDS,
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
    `- \`${GET_API_KEY_TOKEN}\` (TypeScript: \`getApiKey\`): ${GET_API_KEY_DOC}`,
    `- \`${GET_API_KEYS_TOKEN}\` (TypeScript: \`getApiKeys\`): ${GET_API_KEYS_DOC}`,
    "",
    "Each key they return has these fields:",
    "",
    table(
      ["field", "type", "meaning"],
      KEY_SUMMARY_FIELDS.map((f) => [`\`${f.name}\``, typeOf(f), f.doc]),
    ),
    "",
    "What the account may use:",
    "",
    `- \`${GET_MODELS_TOKEN}\` (TypeScript: \`getModels\`): ${GET_MODELS_DOC}`,
    `- \`${GET_GROUPS_TOKEN}\` (TypeScript: \`getGroups\`): ${GET_GROUPS_DOC}`,
    `- \`${GET_ACCOUNT_TOKEN}\` (TypeScript: \`getAccount\`): ${GET_ACCOUNT_DOC}`,
    "",
    "Each group `getGroups` returns has these fields:",
    "",
    table(
      ["field", "type", "meaning"],
      GROUP_SUMMARY_FIELDS.map((f) => [`\`${f.name}\``, typeOf(f), f.doc]),
    ),
    "",
    "`getAccount` returns:",
    "",
    table(
      ["field", "type", "meaning"],
      ACCOUNT_SUMMARY_FIELDS.map((f) => [`\`${f.name}\``, typeOf(f), f.doc]),
    ),
  ].join("\n")}\n`;
}
