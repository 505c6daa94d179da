/**
 * Keys a stopped run left behind: the service committed the create, but the run ended (the CLI
 * killed, a lost runner) before the engine recorded the key, so the state holds at most a pending
 * create and the next `pulumi up` creates the resource again.
 *
 * Such a key carries the name the re-created resource asks for: auto-names are stable (project,
 * stack and logical name for `CometApiKey`, the URN for the native plugin). So before a create is
 * sent, the caller's own keys with exactly that name are looked up, leaving out the keys this run
 * accounts for: the keys the state holds (learned in diff, read, update and delete: a
 * create-before-delete replacement asks for the name of the key it replaces), keys adopted in this
 * process, and keys this process created (the listing is taken before any of them is sent). What
 * is left was made by no step the state knows of:
 *
 * - one key with the resource's auto-name, never used: it is taken over (converged to the inputs
 *   like `adoptKeyId`) instead of creating a second one, with a warning that names it. A key a
 *   stopped run left was handed to no one; a used one is likely another stack's (the same project,
 *   stack and resource names in another backend, on the same account): it is left alone, with a
 *   warning as for an explicit name;
 * - several: an error names them and says how to keep one (nothing is created: a guess could take
 *   the wrong key, a create would add one more);
 * - an explicit `name` (names may be shared on purpose, across stacks): a warning names the keys
 *   and what to do, and the create goes on.
 *
 * A create-before-delete replacement whose old key the diff did not name (`pulumi up --replace`
 * skips the provider's diff) cannot tell its old key from a left one: it creates as before, and
 * when more than one key carries the name, a warning names them all and says what to do.
 *
 * Cost: one listing of the account per provider process, shared by all its creates; it also gives
 * the id resolver its baseline (which otherwise costs a listing of its own).
 */

import { UnrecordedKeysError } from "../errors/index.js";
import type { ApiKeyRecord } from "../service/client.js";

import type { CometApiKeyInputs } from "./inputs.js";
import { everyKey } from "./lookups.js";
import { createFields, sameFields } from "./recordMapping.js";
import type { Session } from "./session.js";

/** What one provider process learned of the keys the state holds. */
export class RecordedKeys {
  /** Names of keys of resources the state holds (check got their old inputs). */
  private readonly namesInState = new Set<string>();
  /** Key ids the state holds, by name (the engine named them in diff, read, update or delete). */
  private readonly idsByName = new Map<string, Set<number>>();
  private readonly ids = new Set<number>();

  /** Check got old inputs: a resource in the state whose key is named `name`. */
  resourceInState(name: unknown): void {
    if (typeof name === "string") this.namesInState.add(name);
  }

  /** The state holds key `id`, named `name` (its recorded outputs). */
  held(id: string | number, name: unknown): void {
    const keyId = Number(id);
    if (!Number.isInteger(keyId) || keyId <= 0) return;
    this.ids.add(keyId);
    if (typeof name !== "string") return;
    const known = this.idsByName.get(name) ?? new Set<number>();
    known.add(keyId);
    this.idsByName.set(name, known);
  }

  holds(id: number): boolean {
    return this.ids.has(id);
  }

  /**
   * Whether a create of a key named `name` can tell the keys the state holds under that name: not
   * when a resource in the state has that name but no diff named its key (`pulumi up --replace`).
   */
  knowsKeysNamed(name: string): boolean {
    return !this.namesInState.has(name) || this.idsByName.has(name);
  }
}

/** What a create does about keys a stopped run left with its name. */
export type UnrecordedVerdict = { kind: "create" } | { kind: "adopt"; record: ApiKeyRecord };

/** The account's keys before this process created any, listed once per session. */
const listingsBeforeCreates = new WeakMap<Session, Promise<ApiKeyRecord[]>>();

function keysBeforeCreates(s: Session): Promise<ApiKeyRecord[]> {
  let listing = listingsBeforeCreates.get(s);
  if (!listing) {
    listing = everyKey(s.client).then((records) => {
      // Finished before any create of this process was sent: the resolver's baseline.
      s.resolver.observeMaxId(Math.max(0, ...records.map((r) => r.id)));
      return records;
    });
    listing.catch(() => listingsBeforeCreates.delete(s));
    listingsBeforeCreates.set(s, listing);
  }
  return listing;
}

/**
 * Looks, before a create is sent, for the caller's keys named like it that no step of this run
 * accounts for; decides whether the create takes one over, goes on (warning about them), or fails
 * naming them. Every create of the process waits for the one listing, so it predates them all.
 */
export async function unrecordedKeysFor(
  s: Session,
  create: CometApiKeyInputs,
  recorded: RecordedKeys,
  warn: (message: string) => void,
): Promise<UnrecordedVerdict> {
  const listing = await keysBeforeCreates(s);
  const owner = (await s.caller()).id;
  // Decided without awaiting from here: two creates never take the same key.
  const unaccounted = listing.filter(
    (r) => (r.userId === undefined || r.userId === owner) && !recorded.holds(r.id) && !s.adopted.has(r.id),
  );
  const left = unaccounted.filter((r) => r.name === create.name).sort((a, b) => a.id - b.id);
  const resource = create.__logicalName ?? create.name;
  if (left.length === 0) {
    if (create.__namedByPattern === true) warnAboutAlike(unaccounted, create, resource, warn);
    return { kind: "create" };
  }
  const ids = left.map((r) => r.id);
  if (!recorded.knowsKeysNamed(create.name)) {
    // A replacement whose old key no diff named (`pulumi up --replace`): that key is among these.
    if (left.length > 1) {
      warn(
        `create key "${create.name}" (resource "${resource}"): a new key is created to replace this resource's key, ` +
          `which is one of ${ids.map((id) => `key ${id}`).join(", ")} (all with this name); the others were left by ` +
          "runs that stopped before Pulumi recorded them. After this run, `pulumi stack export` shows the key the " +
          "stack holds: delete the keys this stack does not hold in the CometAPI console",
      );
    }
    return { kind: "create" };
  }
  const autoNamed = create.__autoName === create.name;
  const only = left.length === 1 ? (left[0] as ApiKeyRecord) : undefined;
  if (autoNamed && only && neverUsed(only)) {
    s.adopted.add(only.id);
    warn(
      `key ${only.id} ("${create.name}") was created by a run that stopped before Pulumi recorded it; ` +
        `resource "${resource}" takes it over instead of creating a second key`,
    );
    return { kind: "adopt", record: only };
  }
  if (autoNamed && !only) throw new UnrecordedKeysError(create.name, resource, ids);
  const why = autoNamed
    ? "as that key has been used, and a key a stopped run left was never handed to anyone (it is likely " +
      "another stack's, with the same project, stack and resource names in another backend)"
    : "as the name is set explicitly and may be shared";
  warn(
    `create key "${create.name}" (resource "${resource}"): your account already has ${ids.length === 1 ? "a key" : "keys"} ` +
      `with this name that this stack does not hold (${ids.map((id) => `key ${id}`).join(", ")}). A new key is ` +
      `created, ${why}. If ${ids.length === 1 ? "it was" : "one was"} left ` +
      `by a run that stopped before Pulumi recorded it, put it under the resource instead: ` +
      `${UnrecordedKeysError.advice(resource, ids[0] ?? 0)}; delete the keys you do not keep in the CometAPI console`,
  );
  return { kind: "create" };
}

/**
 * A name from the stack's `autonaming` pattern may draw random characters per run, so a key a
 * stopped run left for this resource has another name. What it cannot differ in is the resource's
 * settings: never-used keys among `unaccounted` (the caller's, held by no step of the run) with
 * exactly these settings are named in a warning with what to do (not taken over: another resource
 * may have the same).
 */
function warnAboutAlike(
  unaccounted: readonly ApiKeyRecord[],
  create: CometApiKeyInputs,
  resource: string,
  warn: (message: string) => void,
): void {
  const fields = createFields(create);
  const alike = unaccounted.filter(
    (r) => neverUsed(r) && sameFields(r, { ...fields, name: r.name }, !create.unlimitedQuota),
  );
  if (alike.length === 0) return;
  warn(
    `create key "${create.name}" (resource "${resource}"): its name comes from the stack's autonaming pattern, ` +
      `which may differ per run, and your account has never-used keys with exactly this resource's settings that ` +
      `this stack does not hold (${alike.map((r) => `key ${r.id} "${r.name}"`).join(", ")}). A new key is created. ` +
      `If one was left by a run that stopped before Pulumi recorded it, put it under the resource instead: ` +
      `${UnrecordedKeysError.advice(resource, alike[0]?.id ?? 0)}; delete the keys you do not keep in the CometAPI console`,
  );
}

/**
 * Whether no one has used key `r`: the value of a key a stopped run created reached no state and no
 * one (its value is revealed only to the run that holds it), so it was never charged.
 */
function neverUsed(r: ApiKeyRecord): boolean {
  return r.usedQuota === 0 && r.accessedAt <= r.createdAt;
}
