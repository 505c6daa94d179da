/**
 * The engine's loose records, parsed once at the edge of the lifecycle into typed values: the
 * inputs create and update receive (what `check` returned) and the outputs a step finds in the
 * state. Each described property is held to its type in the description (`model/description.ts`),
 * so the lifecycle works on `CometApiKeyInputs` and `CometApiKeyOutputs`, never on a cast of
 * `Record<string, unknown>`.
 */
import { CometApiProviderError } from "../errors/index.js";
import { API_KEY_PROPERTIES, type PropertyType } from "../model/description.js";
import { ALWAYS_PRESENT_NAMES } from "../model/propertyRules.js";
import { describeValue } from "../shared/describeValue.js";
import type { CometApiKeyInputs } from "./inputs.js";
import type { CometApiKeyOutputs } from "./recordMapping.js";

/** Recorded properties the description does not list (the provider's own bookkeeping). */
const RECORDED_ONLY: Readonly<Record<string, PropertyType>> = {
  userId: "integer",
  baseUrl: "string",
  __allottedTotal: "number",
  __autoName: "string",
  __logicalName: "string",
  __namedByPattern: "boolean",
};

/** What the description says each property's type is, with the bookkeeping ones. */
const TYPES: ReadonlyMap<string, PropertyType> = new Map([
  ...API_KEY_PROPERTIES.map((p): [string, PropertyType] => [p.name, p.type]),
  ...Object.entries(RECORDED_ONLY),
]);

/**
 * The inputs create and update receive: `check`'s output, held to the description. A value of
 * another type (a state edited by hand, inputs a much older provider wrote) fails naming the
 * property, before anything is sent, instead of surfacing deep in a step.
 */
export function checkedInputs(raw: Record<string, unknown>, operation: string): CometApiKeyInputs {
  assertCheckedInputs(raw, operation);
  return raw;
}

function assertCheckedInputs(
  raw: Record<string, unknown>,
  operation: string,
): asserts raw is Record<string, unknown> & CometApiKeyInputs {
  for (const [name, value] of Object.entries(raw)) {
    const type = TYPES.get(name);
    if (type === undefined || value === undefined || value === null || hasType(value, type)) continue;
    throw new CometApiProviderError(
      `${operation}: the input ${name} must be ${type}, got ${describeValue(value)}; run \`pulumi up\` so that check records it again`,
      operation,
    );
  }
  for (const name of ALWAYS_PRESENT_NAMES) {
    if (!hasType(raw[name], TYPES.get(name) ?? "string")) {
      throw new CometApiProviderError(
        `${operation}: the input ${name} is missing; run \`pulumi up\``,
        operation,
      );
    }
  }
}

/**
 * The outputs a step finds in the state, with every property of the wrong type left out (treated
 * as not recorded, as for a key an older provider recorded without it).
 */
export function recordedOutputs(raw: Record<string, unknown>): Partial<CometApiKeyOutputs> {
  const outputs: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    const type = TYPES.get(name);
    if (type === undefined || hasType(value, type)) outputs[name] = value;
  }
  return outputs as Partial<CometApiKeyOutputs>;
}

function hasType(value: unknown, type: PropertyType): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "string[]":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
    case "retiredKey[]":
      return (
        Array.isArray(value) &&
        value.every(
          (v) =>
            typeof v === "object" &&
            v !== null &&
            Number.isInteger((v as { keyId?: unknown }).keyId) &&
            typeof (v as { retiresAt?: unknown }).retiresAt === "string",
        )
      );
  }
}
