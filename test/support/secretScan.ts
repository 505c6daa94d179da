/**
 * Secret scanning for tests: a text (state file, engine output, error message, stack trace, log)
 * must contain neither the access token nor any full key value.
 *
 * Key values are searched both bare (as the service stores them, 48 characters) and as callers
 * use them (`sk-…`); the bare form covers the prefixed one. A hit reports where it was found and
 * a short excerpt around it with the secret itself replaced, so the failure message never leaks
 * the value either.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

/** What must never appear. */
export interface Secrets {
  /** The personal access token. */
  accessToken: string;
  /** Full key values, with or without `sk-`. */
  keys: readonly string[];
}

/** One place a secret was found. */
export interface SecretHit {
  what: "access token" | "key";
  /** Offset in the text. */
  at: number;
  /** The text around the hit, the secret replaced by `<REDACTED>`. */
  context: string;
}

/** Every occurrence of a secret in `text`. */
export function findSecrets(text: string, secrets: Secrets): SecretHit[] {
  const needles: { what: SecretHit["what"]; value: string }[] = [];
  if (secrets.accessToken.length > 0) needles.push({ what: "access token", value: secrets.accessToken });
  for (const key of secrets.keys) {
    const bare = key.startsWith("sk-") ? key.slice(3) : key;
    // A guard against a mistaken scan: short values would match by accident, and "" everywhere.
    if (bare.length < 16)
      throw new Error(`secretScan: a key value of ${bare.length} characters is not a key`);
    needles.push({ what: "key", value: bare });
  }
  const hits: SecretHit[] = [];
  for (const { what, value } of needles) {
    for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1)) {
      const context = text
        .slice(Math.max(0, at - 60), at + value.length + 60)
        .split(value)
        .join("<REDACTED>");
      hits.push({ what, at, context });
    }
  }
  return hits;
}

/** Fails the test when `text` (described by `where`) contains a secret. */
export function expectNoSecrets(where: string, text: string, secrets: Secrets): void {
  const hits = findSecrets(text, secrets);
  expect(
    hits.map((h) => `${where}: ${h.what} at offset ${h.at}: …${h.context}…`),
    `${where} must not contain the access token or a key value`,
  ).toEqual([]);
}

/** The texts of an error worth scanning: message, stack, and the same for each cause. */
export function errorTexts(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    if (current instanceof Error) {
      parts.push(current.message, String(current.stack));
      const extra = current as Error & { properties?: unknown; reasons?: unknown };
      if (extra.properties !== undefined) parts.push(JSON.stringify(extra.properties));
      if (extra.reasons !== undefined) parts.push(JSON.stringify(extra.reasons));
      current = current.cause;
    } else {
      parts.push(typeof current === "string" ? current : JSON.stringify(current));
      break;
    }
  }
  return parts.join("\n");
}

/** Every file a `file://` backend holds (state, backups, history), as written, joined for a scan. */
export function backendFilesText(backendDir: string): string {
  return readdirSync(backendDir, { recursive: true, encoding: "utf8" })
    .map((f) => join(backendDir, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => readFileSync(f, "utf8"))
    .join("\n");
}
