/**
 * Decodes request bodies the way Go's encoding/json (gin's ShouldBindJSON) does for the
 * service's structs: unknown fields ignored, keys matched case-insensitively, `null` leaves
 * the zero value, and a wrong type fails the whole request with the decoder's own text.
 */

type GoType = "int" | "int64" | "string" | "bool" | "*string" | "[]string" | "[]int";

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; message: string };

const INT64_MAX = 2 ** 63;

function jsonKind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return "number";
  if (typeof v === "string") return "string";
  return "object";
}

/** Text of Go's error for a body that is not valid JSON. */
export function goSyntaxError(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") return "EOF";
  const first = trimmed[0] as string;
  if (!'{["-0123456789tfn'.includes(first)) {
    return `invalid character '${first}' looking for beginning of value`;
  }
  return "unexpected end of JSON input";
}

function parseJson(text: string): DecodeResult<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, message: goSyntaxError(text) };
  }
}

function typeError(kind: string, value: unknown, structName: string, field: string, goType: string): string {
  const shown = kind === "number" ? `number ${String(value)}` : kind;
  return `json: cannot unmarshal ${shown} into Go struct field ${structName}.${field} of type ${goType.replace("*", "")}`;
}

function convert(
  v: unknown,
  goType: GoType,
  structName: string,
  field: string,
): { ok: true; value: unknown } | { ok: false; message: string } {
  const kind = jsonKind(v);
  switch (goType) {
    case "int":
    case "int64":
      if (kind !== "number" || !Number.isInteger(v) || Math.abs(v as number) >= INT64_MAX) {
        return { ok: false, message: typeError(kind, v, structName, field, goType) };
      }
      return { ok: true, value: v };
    case "string":
    case "*string":
      if (kind !== "string") return { ok: false, message: typeError(kind, v, structName, field, goType) };
      return { ok: true, value: v };
    case "bool":
      if (kind !== "bool") return { ok: false, message: typeError(kind, v, structName, field, goType) };
      return { ok: true, value: v };
    case "[]string":
    case "[]int": {
      if (kind !== "array") return { ok: false, message: typeError(kind, v, structName, field, goType) };
      const elem = goType === "[]string" ? "string" : "int";
      const out: unknown[] = [];
      for (const item of v as unknown[]) {
        if (item === null) {
          out.push(elem === "string" ? "" : 0);
          continue;
        }
        const r = convert(item, elem, structName, field);
        if (!r.ok) return r;
        out.push(r.value);
      }
      return { ok: true, value: out };
    }
  }
}

/**
 * Decodes `text` into an object with the given Go field types. Fields absent (or `null`) are
 * left out of the result; callers apply zero values.
 */
export function decodeGoStruct(
  text: string,
  structName: string,
  fields: Record<string, GoType>,
  valueType = `controller.${structName}`,
): DecodeResult<Record<string, unknown>> {
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  const body = parsed.value;
  if (body === null) return { ok: true, value: {} };
  if (jsonKind(body) !== "object") {
    return {
      ok: false,
      message: `json: cannot unmarshal ${jsonKind(body)} into Go value of type ${valueType}`,
    };
  }
  const byLower = new Map<string, string>();
  for (const name of Object.keys(fields)) byLower.set(name.toLowerCase(), name);
  const out: Record<string, unknown> = {};
  let firstError: string | undefined;
  const entries = Object.entries(body as Record<string, unknown>);
  // Exact-name keys win over case-insensitive matches, like Go.
  const exact = entries.filter(([k]) => k in fields);
  const folded = entries.filter(([k]) => !(k in fields));
  for (const [key, v] of [...folded, ...exact]) {
    const name = key in fields ? key : byLower.get(key.toLowerCase());
    if (!name) continue;
    if (v === null) {
      if (fields[name] === "*string") out[name] = null;
      continue;
    }
    const r = convert(v, fields[name] as GoType, structName, name);
    if (!r.ok) {
      firstError ??= r.message;
      continue;
    }
    out[name] = r.value;
  }
  if (firstError) return { ok: false, message: firstError };
  return { ok: true, value: out };
}

/** Go's strconv.Atoi, with its error text. */
export function goAtoi(s: string): { ok: true; value: number } | { ok: false; message: string } {
  if (!/^[+-]?[0-9]+$/.test(s))
    return { ok: false, message: `strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax` };
  const n = Number(s);
  if (Math.abs(n) >= INT64_MAX) {
    return { ok: false, message: `strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range` };
  }
  return { ok: true, value: n };
}
