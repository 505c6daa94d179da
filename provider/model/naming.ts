/**
 * Key names (pure functions): the service's rule for a name, and the auto-name a resource without
 * `name` gets.
 */
import { createHash, randomBytes } from "node:crypto";
import { hasControlCharacters } from "./inputRules.js";

/** The service refuses names longer than this many UTF-8 bytes (some builds count characters). */
export const MAX_NAME_BYTES = 50;

/** Why a name is unacceptable, or undefined when it is fine. */
export function nameProblem(name: string): string | undefined {
  if (name.trim() === "") return "must not be empty";
  if (hasControlCharacters(name)) return "must not contain control characters (newlines, tabs, …)";
  const bytes = Buffer.byteLength(name, "utf8");
  if (bytes > MAX_NAME_BYTES) {
    return `is ${bytes} bytes long in UTF-8 (${[...name].length} characters); CometAPI allows at most ${MAX_NAME_BYTES} bytes (non-ASCII characters take 2 to 4 bytes each)`;
  }
  return undefined;
}

/**
 * A Pulumi-style auto-name: the logical name plus `-` and 7 hex digits, within 50 bytes. With a
 * `seed` (the SDK's: project, stack and logical name) the digits come from it, so a preview and
 * the `up` after it, or the re-creation of a resource whose create never reached the state, name
 * the key alike; without one they are random.
 */
export function autoName(logicalName: string, seed?: string): string {
  const hex =
    seed === undefined ? randomBytes(4).toString("hex") : createHash("sha256").update(seed).digest("hex");
  const suffix = `-${hex.slice(0, 7)}`;
  const budget = MAX_NAME_BYTES - suffix.length;
  let prefix = "";
  for (const ch of logicalName.replace(/\p{Cc}/gu, "")) {
    if (Buffer.byteLength(prefix + ch, "utf8") > budget) break;
    prefix += ch;
  }
  return `${prefix || "key"}${suffix}`;
}
