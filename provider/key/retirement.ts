/**
 * Retirement: a replaced key that keeps working for a grace period (`retireAfter`), then stops on
 * its own, so consumers outside the stack (a stack reference, a pod that reads its secret at
 * start) can switch over.
 *
 * How a replacement is told from a destroy: the engine's delete carries no such flag (a dynamic
 * provider's `delete(id, props)`, the plugin's DeleteRequest), and a `pulumi up --replace` does not
 * even call `diff`. But a replacement creates its new key first, in the same provider process: the
 * create records the key it made under its name (kept across replacements), and the old resource's
 * delete, finding a key created under the same name in this run, retires instead of deleting. A
 * destroy creates nothing, so it deletes at once.
 *
 * What retiring does, on the server: the key's expiry (`expiresAt`) moves to the end of the grace (never
 * later than it already was), so the server refuses it from then on whether or not another run
 * comes, and its name gets the marker `~r<successor id>`, which ties it to the key that replaced it.
 * The successor's next run finds its retired keys by that marker among the caller's own keys, lists
 * them in the `retiredKeys` output while they live, and deletes them once their grace is over.
 */
import { type ApiKeyRecord, WireKeyStatus } from "../service/client.js";
import { formatDuration, parseDuration } from "../shared/duration.js";
import { toIso } from "../shared/timestamp.js";
import { isUnknown } from "./inputs.js";
import { everyKey } from "./lookups.js";
import type { Session } from "./session.js";

/** The longest key name the service accepts. */
const MAX_NAME_LENGTH = 50;

/** A retired key while it lives, as the `retiredKeys` output lists it. */
export interface RetiredKey {
  keyId: number;
  /** When the key stops working (its expiry), ISO-8601 UTC. */
  retiresAt: string;
}

/** The grace period of validated inputs in seconds, or undefined (no grace: delete at once). */
export function graceOf(inputs: { retireAfter?: unknown }): number | undefined {
  if (typeof inputs.retireAfter !== "string" || isUnknown(inputs.retireAfter)) return undefined;
  const seconds = parseDuration(inputs.retireAfter);
  return typeof seconds === "number" ? seconds : undefined;
}

/**
 * When a key retired at `now` stops working: `now + grace`, but never later than its current
 * expiry (`expiresAt`, -1 = never), so a retirement never extends a key's life.
 */
export function retirementEnd(now: number, graceSeconds: number, expiresAt: number): number {
  const end = now + graceSeconds;
  return expiresAt === -1 ? end : Math.min(end, expiresAt);
}

/** The name a key gets when it is retired for `successorId`: its own name plus `~r<id>`, within 50 characters. */
export function retiredName(name: string, successorId: number): string {
  const marker = `~r${successorId}`;
  const base = name.replace(/~r\d+$/, "");
  return `${base.slice(0, MAX_NAME_LENGTH - marker.length)}${marker}`;
}

/** The id of the key that `name` was retired for, or undefined when it is not a retired key's name. */
export function retiredFor(name: string): number | undefined {
  const match = /~r(\d+)$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * The keys retired for `successorId` among `records`, split into those still in their grace (as
 * the output lists them, oldest first) and those whose grace is over (to delete). Only the
 * caller's own keys count.
 */
export function retiredKeysOf(
  records: readonly ApiKeyRecord[],
  successorId: number,
  callerId: number,
  now: number,
): { living: RetiredKey[]; over: ApiKeyRecord[] } {
  const mine = records
    .filter((r) => r.id !== successorId && r.userId === callerId && retiredFor(r.name) === successorId)
    .sort((a, b) => a.id - b.id);
  // Disabled: a build that did not take the grace's end as the expiry (see `markRetired`).
  const over = mine.filter(
    (r) => r.status === WireKeyStatus.disabled || (r.expiresAt !== -1 && r.expiresAt <= now),
  );
  const living = mine
    .filter((r) => !over.includes(r))
    .map((r) => ({ keyId: r.id, retiresAt: toIso(r.expiresAt) }));
  return { living, over };
}

/** Whether two `retiredKeys` lists say the same. */
export function sameRetiredKeys(a: unknown, b: readonly RetiredKey[]): boolean {
  const list = Array.isArray(a) ? (a as RetiredKey[]) : [];
  return (
    list.length === b.length &&
    list.every((k, i) => k.keyId === b[i]?.keyId && k.retiresAt === b[i]?.retiresAt)
  );
}

/** The log line of a retirement, shown in the run's output. */
export function retirementNotice(
  keyId: number,
  successorId: number,
  graceSeconds: number,
  end: number,
): string {
  return (
    `key ${keyId} retired (replaced by key ${successorId}, retireAfter ${formatDuration(graceSeconds)}): ` +
    `it keeps working until ${toIso(end)}, then the server refuses it; the next \`pulumi up\` lists it in ` +
    "retiredKeys and deletes it once that time has passed"
  );
}

/** Keys created in a provider process, by name: what a replacement's delete looks for. */
const createdByName = new WeakMap<Session, Map<string, { keyId: number; grace?: number }>>();

/** Records a key created (or adopted) in this process under `name`, with the grace of its inputs. */
export function recordCreated(s: Session, name: string, keyId: number, grace: number | undefined): void {
  let byName = createdByName.get(s);
  if (!byName) {
    byName = new Map();
    createdByName.set(s, byName);
  }
  byName.set(name, { keyId, grace });
}

/**
 * The key that replaces key `keyId` (named `name`) in this run, with its grace, when the old key
 * is to be retired rather than deleted: a key created under the same name in this process, whose
 * inputs set `retireAfter`.
 */
export function successorOf(
  s: Session,
  name: unknown,
  keyId: number,
): { keyId: number; grace: number } | undefined {
  if (typeof name !== "string") return undefined;
  const created = createdByName.get(s)?.get(name);
  if (!created || created.keyId === keyId || created.grace === undefined) return undefined;
  return { keyId: created.keyId, grace: created.grace };
}

/** Every key of the account, each once, read as `getApiKeys` reads it (`everyKey`). */
export function listAllKeys(s: Session): Promise<ApiKeyRecord[]> {
  return everyKey(s.client);
}

/** How long a listing serves the diffs of one run (they come together, one per key). */
const SHARED_LISTING_MS = 2_000;
const sharedListings = new WeakMap<Session, { at: number; keys: Promise<ApiKeyRecord[]> }>();

/**
 * Every key of the account for a diff: one listing serves every diff of the next 2 s (a preview
 * diffs all its keys at once), so N keys with `retireAfter` cost one listing, not N. Writes
 * (update, delete) list afresh with `listAllKeys`.
 */
export function listAllKeysShared(s: Session): Promise<ApiKeyRecord[]> {
  const cached = sharedListings.get(s);
  if (cached && Date.now() - cached.at < SHARED_LISTING_MS) return cached.keys;
  const keys = listAllKeys(s);
  sharedListings.set(s, { at: Date.now(), keys });
  keys.catch(() => sharedListings.delete(s));
  return keys;
}
