/**
 * The Pulumi package schema of `cometapi` (what `GetSchema` answers and `schema.json` holds),
 * built from the one description in `provider/model/description.ts`: nothing here adds a
 * property, a doc or a rule.
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
  PACKAGE_NAME,
  PROVIDER_CONFIG,
  type PropertyType,
  RETIRED_KEY_FIELDS,
  RETIRED_KEY_TYPE,
} from "../provider/model/description.js";

type SchemaProperty = Record<string, unknown>;

function typeSpec(type: PropertyType): SchemaProperty {
  if (type === "string[]") return { type: "array", items: { type: "string" } };
  if (type === "retiredKey[]") return { type: "array", items: { $ref: `#/types/${RETIRED_KEY_TYPE}` } };
  return { type };
}

function property(type: PropertyType, description: string, extra: SchemaProperty = {}): SchemaProperty {
  return { ...typeSpec(type), description, ...extra };
}

const KEY_SUMMARY_TYPE = `${PACKAGE_NAME}:index:ApiKeySummary`;
const GROUP_SUMMARY_TYPE = `${PACKAGE_NAME}:index:GroupSummary`;

function fieldProperties(fields: readonly { name: string; type: PropertyType; doc: string }[]) {
  return Object.fromEntries(fields.map((f) => [f.name, property(f.type, f.doc)]));
}

/** The schema as a JSON-ready object; `version` is the plugin's version. */
export function packageSchema(version: string): Record<string, unknown> {
  const inputs = API_KEY_PROPERTIES.filter((p) => p.inputDoc !== undefined);
  const config = Object.fromEntries(
    PROVIDER_CONFIG.map((c) => [c.name, property(c.type, c.doc, c.secret ? { secret: true } : {})]),
  );
  const summaryProperties = Object.fromEntries(
    KEY_SUMMARY_FIELDS.map((f) => [f.name, property(f.type, f.doc)]),
  );
  const summaryRequired = KEY_SUMMARY_FIELDS.filter((f) => !f.optional).map((f) => f.name);
  return {
    name: PACKAGE_NAME,
    displayName: "CometAPI",
    version,
    description: "Manage CometAPI (and any new-api based gateway) API keys.",
    keywords: ["pulumi", "cometapi", "new-api", "api-keys", "category/utility", "kind/native"],
    homepage: "https://github.com/pulumi-cometapi/pulumi-cometapi",
    repository: "https://github.com/pulumi-cometapi/pulumi-cometapi",
    license: "Apache-2.0",
    publisher: "pulumi-cometapi",
    config: { variables: config },
    provider: {
      description:
        "The provider type for the cometapi package: one CometAPI account (access token, base URL, user id).",
      properties: Object.fromEntries(
        PROVIDER_CONFIG.filter((c) => !c.secret).map((c) => [c.name, property(c.type, c.doc)]),
      ),
      inputProperties: config,
    },
    resources: {
      [API_KEY_TOKEN]: {
        description: API_KEY_DOC,
        properties: Object.fromEntries(
          API_KEY_PROPERTIES.map((p) => [
            p.name,
            property(p.type, p.outputDoc, p.secret ? { secret: true } : {}),
          ]),
        ),
        required: API_KEY_PROPERTIES.filter((p) => p.alwaysOutput).map((p) => p.name),
        inputProperties: Object.fromEntries(
          inputs.map((p) => [
            p.name,
            property(p.type, p.inputDoc as string, p.default === undefined ? {} : { default: p.default }),
          ]),
        ),
      },
    },
    functions: {
      [GET_API_KEY_TOKEN]: {
        description: GET_API_KEY_DOC,
        inputs: {
          properties: { keyId: property("integer", "The key's numeric id, as the console shows it.") },
          required: ["keyId"],
        },
        outputs: { properties: summaryProperties, required: summaryRequired },
      },
      [GET_API_KEYS_TOKEN]: {
        description: GET_API_KEYS_DOC,
        inputs: {
          properties: {
            name: property("string", "Keys whose name is exactly this (give this or `namePrefix`)."),
            namePrefix: property("string", "Keys whose name starts with this (give this or `name`)."),
          },
        },
        outputs: {
          properties: {
            keys: {
              type: "array",
              items: { $ref: `#/types/${KEY_SUMMARY_TYPE}` },
              description: "The matching keys, newest first, values masked.",
            },
          },
          required: ["keys"],
        },
      },
      [GET_MODELS_TOKEN]: {
        description: GET_MODELS_DOC,
        inputs: {
          properties: {
            group: property("string", "Only the models of this group (default: all usable groups)."),
          },
        },
        outputs: {
          properties: {
            models: { type: "array", items: { type: "string" }, description: "The usable model ids." },
          },
          required: ["models"],
        },
      },
      [GET_GROUPS_TOKEN]: {
        description: GET_GROUPS_DOC,
        outputs: {
          properties: {
            groups: {
              type: "array",
              items: { $ref: `#/types/${GROUP_SUMMARY_TYPE}` },
              description: "The groups the account may select, by name.",
            },
          },
          required: ["groups"],
        },
      },
      [GET_ACCOUNT_TOKEN]: {
        description: GET_ACCOUNT_DOC,
        outputs: {
          properties: fieldProperties(ACCOUNT_SUMMARY_FIELDS),
          required: ACCOUNT_SUMMARY_FIELDS.map((f) => f.name),
        },
      },
    },
    types: {
      [GROUP_SUMMARY_TYPE]: {
        type: "object",
        description: "A group the account may select for a key.",
        properties: fieldProperties(GROUP_SUMMARY_FIELDS),
        required: GROUP_SUMMARY_FIELDS.filter((f) => f.name !== "ratio").map((f) => f.name),
      },
      [KEY_SUMMARY_TYPE]: {
        type: "object",
        description: "A key as the lookups return it: never its value.",
        properties: summaryProperties,
        required: summaryRequired,
      },
      [RETIRED_KEY_TYPE]: {
        type: "object",
        description: "A key retired by a replacement (`retireAfter`), while it still works.",
        properties: Object.fromEntries(RETIRED_KEY_FIELDS.map((f) => [f.name, property(f.type, f.doc)])),
        required: RETIRED_KEY_FIELDS.map((f) => f.name),
      },
    },
    // respectSchemaVersion: each generated SDK names this plugin version (its package version, and
    // the plugin version the engine is asked for), instead of a placeholder set at publish time.
    language: {
      nodejs: {
        packageName: "@pulumi-cometapi/cometapi",
        dependencies: { "@pulumi/pulumi": "^3.0.0" },
        respectSchemaVersion: true,
      },
      python: {
        packageName: "pulumi_cometapi",
        requires: { pulumi: ">=3.0.0,<4.0.0" },
        respectSchemaVersion: true,
      },
      go: {
        importBasePath: "github.com/pulumi-cometapi/pulumi-cometapi/plugin-sdks/go/cometapi",
        generateResourceContainerTypes: false,
        respectSchemaVersion: true,
      },
      csharp: { rootNamespace: "PulumiCometApi", packageReferences: { Pulumi: "3.*" } },
    },
  };
}
