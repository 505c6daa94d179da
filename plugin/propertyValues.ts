/**
 * Property values on the wire of the ResourceProvider protocol: `google.protobuf.Struct` ↔ plain
 * objects, Pulumi's secret wrapper, and the unknown sentinel.
 *
 * The plugin answers `acceptSecrets: true`, so the engine sends secret values wrapped as
 * `{"4dabf…": "1b47…", "value": …}` and expects secret outputs wrapped the same way. The core
 * (`provider/`) only ever sees plain values: inputs are unwrapped on the way in (remembering which
 * top-level properties were secret) and re-wrapped on the way out.
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { UNKNOWN } from "../provider/key/inputs.js";

/** The key that marks a special value, and the value that says "secret". */
export const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** The engine's "not known yet" value (the same sentinel the dynamic provider sees). */
export const UNKNOWN_VALUE = UNKNOWN;

export type PropertyMap = Record<string, unknown>;

/** A Struct (or nothing) as a plain object. */
export function fromStruct(struct: Struct | undefined): PropertyMap {
  return (struct?.toJavaScript() ?? {}) as PropertyMap;
}

/** A plain object as a Struct; undefined values are dropped (a Struct cannot carry them). */
export function toStruct(values: PropertyMap): Struct {
  const defined = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
  return Struct.fromJavaScript(defined as Parameters<typeof Struct.fromJavaScript>[0]);
}

export function isSecret(value: unknown): value is { value?: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SPECIAL_SIG_KEY] === SECRET_SIG
  );
}

/** `value` wrapped as a Pulumi secret (once). */
export function secret(value: unknown): unknown {
  return isSecret(value) ? value : { [SPECIAL_SIG_KEY]: SECRET_SIG, value };
}

/** Removes secret wrappers anywhere in `value`. */
export function unwrapDeep(value: unknown): unknown {
  if (isSecret(value)) return unwrapDeep(value.value);
  if (Array.isArray(value)) return value.map(unwrapDeep);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapDeep(v)]));
  }
  return value;
}

function containsSecret(value: unknown): boolean {
  if (isSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsSecret);
  return false;
}

/** Plain values, and the names of the top-level properties that held a secret. */
export function unwrapSecrets(values: PropertyMap): { plain: PropertyMap; secretNames: Set<string> } {
  const secretNames = new Set<string>();
  const plain: PropertyMap = {};
  for (const [name, value] of Object.entries(values)) {
    if (containsSecret(value)) secretNames.add(name);
    plain[name] = unwrapDeep(value);
  }
  return { plain, secretNames };
}

/** `values` with the named properties wrapped as secrets (absent ones left absent). */
export function withSecrets(values: PropertyMap, names: Iterable<string>): PropertyMap {
  const out = { ...values };
  for (const name of names) {
    if (out[name] !== undefined) out[name] = secret(out[name]);
  }
  return out;
}
