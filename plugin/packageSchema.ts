/**
 * The Pulumi package schema of `cometapi` (what `GetSchema` answers and `schema.json` holds),
 * built from the one description in `provider/model/description.ts`: nothing here adds a
 * property, a doc or a rule.
 */
import {
  API_KEY_DOC,
  API_KEY_PROPERTIES,
  API_KEY_TOKEN,
  type ArgumentDescription,
  argumentDoc,
  LISTED_OBJECTS,
  LOOKUPS,
  type LookupDescription,
  type LookupFieldType,
  type LookupObjectDescription,
  listedObject,
  PACKAGE_NAME,
  PROVIDER_CONFIG,
  RETIRED_KEY_FIELDS,
  RETIRED_KEY_TYPE,
} from "../provider/model/description.js";

type SchemaProperty = Record<string, unknown>;

/** The schema token of an object type the lookups return. */
function objectToken(object: LookupObjectDescription): string {
  return `${PACKAGE_NAME}:index:${object.name}`;
}

function typeSpec(type: LookupFieldType): SchemaProperty {
  if (type === "string[]") return { type: "array", items: { type: "string" } };
  if (type === "retiredKey[]") return { type: "array", items: { $ref: `#/types/${RETIRED_KEY_TYPE}` } };
  const listed = listedObject(type);
  if (listed) return { type: "array", items: { $ref: `#/types/${objectToken(listed)}` } };
  return { type };
}

function property(type: LookupFieldType, description: string, extra: SchemaProperty = {}): SchemaProperty {
  return { ...typeSpec(type), description, ...extra };
}

/** An object's fields as schema `properties` and `required`. */
function objectSpec(object: LookupObjectDescription): SchemaProperty {
  return {
    properties: Object.fromEntries(object.fields.map((f) => [f.name, property(f.type, f.doc)])),
    required: object.fields.filter((f) => !f.optional).map((f) => f.name),
  };
}

function argumentsSpec(args: readonly ArgumentDescription[]): SchemaProperty {
  const required = args.filter((a) => a.required).map((a) => a.name);
  return {
    properties: Object.fromEntries(args.map((a) => [a.name, property(a.type, argumentDoc(a))])),
    ...(required.length > 0 ? { required } : {}),
  };
}

function functionSpec(lookup: LookupDescription): SchemaProperty {
  return {
    description: lookup.doc,
    ...(lookup.args.length > 0 ? { inputs: argumentsSpec(lookup.args) } : {}),
    outputs: objectSpec(lookup.result),
  };
}

/** The schema as a JSON-ready object; `version` is the plugin's version. */
export function packageSchema(version: string): Record<string, unknown> {
  const inputs = API_KEY_PROPERTIES.filter((p) => p.inputDoc !== undefined);
  const config = Object.fromEntries(
    PROVIDER_CONFIG.map((c) => [c.name, property(c.type, c.doc, c.secret ? { secret: true } : {})]),
  );
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
    functions: Object.fromEntries(LOOKUPS.map((lookup) => [lookup.token, functionSpec(lookup)])),
    types: {
      ...Object.fromEntries(
        Object.values(LISTED_OBJECTS).map((object) => [
          objectToken(object),
          { type: "object", description: object.doc, ...objectSpec(object) },
        ]),
      ),
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
