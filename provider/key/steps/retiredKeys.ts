/**
 * The keys a replacement retired instead of deleting (key/retirement.ts holds the rules): retiring
 * one, handing them over to the next successor, and deleting those past their grace.
 */
import { KeyNotFoundError } from "../../errors/index.js";
import { type ApiKeyFields, type ApiKeyRecord, WireKeyStatus } from "../../service/client.js";
import { toIso } from "../../shared/timestamp.js";
import { isGone } from "../ownership.js";
import { fieldsOf, limitedRemain, recordInputs } from "../recordMapping.js";
import {
  graceOf,
  listAllKeys,
  listAllKeysShared,
  type RetiredKey,
  retiredKeysOf,
  retiredName,
  retirementEnd,
  retirementNotice,
  sameRetiredKeys,
} from "../retirement.js";
import type { Session } from "../session.js";
import type { LifecycleContext } from "./context.js";
import { keepUsage } from "./converge.js";

/**
 * Retires key `id` for `successorId`: its expiry moves to the end of the grace (never later than
 * it was) and its name gets the successor's marker. False when the key is gone already.
 */
export async function retire(s: Session, id: number, successorId: number, grace: number): Promise<boolean> {
  const live = await s.snapshot.find(id, { fresh: true });
  if (!live) return false;
  const end = retirementEnd(s.client.serverNow(), grace, live.expiresAt);
  await markRetired(s, live, successorId, end);
  console.error(retirementNotice(id, successorId, grace, end));
  return true;
}

/** Writes a retired key's end and marker, keeping its live usage (a full update). */
async function markRetired(s: Session, live: ApiKeyRecord, successorId: number, end: number): Promise<void> {
  const fields: ApiKeyFields = {
    ...fieldsOf(recordInputs(live), limitedRemain(live)),
    name: retiredName(live.name, successorId),
    expiresAt: end,
  };
  const applied = await s.client.updateKey(live.id, fields, live.status);
  let record = await keepUsage(s, applied, fields, live.usedQuota);
  // The answer is the fact: a server that did not take the grace's end as the key's expiry
  // cannot end the grace on its own, so the key is disabled now (a later run deletes it).
  if (record.expiresAt !== end) {
    record = (await s.client.setKeyStatus(live.id, WireKeyStatus.disabled)) ?? {
      ...record,
      status: WireKeyStatus.disabled,
    };
    console.error(
      `key ${live.id}: the service did not take ${toIso(end)} as its expiry, so it could not stop the key ` +
        "at the end of its grace; the key is disabled now instead, and the next `pulumi up` deletes it",
    );
  }
  s.snapshot.remember(record);
}

/**
 * The keys retired for key `keyId` (found by their marker, listed or not yet): those past their
 * grace are deleted; those in it are handed to `successorId` (re-marked, their end unchanged),
 * or, on a destroy (no successor), left to expire on their own.
 */
export async function handOverRetiredKeys(s: Session, keyId: number, successorId: number | undefined) {
  const { living, over } = await findRetired(s, keyId);
  for (const record of over) await deleteRetired(s, record.id);
  if (successorId === undefined) return;
  for (const { keyId: retiredId } of living) {
    const live = await s.snapshot.find(retiredId, { fresh: true });
    if (live) await markRetired(s, live, successorId, live.expiresAt);
  }
}

/** The caller's keys retired for key `keyId`, from a fresh listing (or the run's shared one). */
async function findRetired(s: Session, keyId: number, list = listAllKeys) {
  return retiredKeysOf(await list(s), keyId, (await s.caller()).id, s.client.serverNow());
}

async function deleteRetired(s: Session, keyId: number): Promise<void> {
  try {
    await s.client.deleteKey(keyId);
  } catch (error) {
    if (!(error instanceof KeyNotFoundError) && !(await isGone(s, keyId))) throw error;
  }
  s.snapshot.forget(keyId);
}

/** Whether the keys retired for key `id` differ from its `retiredKeys` output, or some are past their grace. */
export async function retiredKeysChanged(
  ctx: LifecycleContext,
  id: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<boolean> {
  const listed = Array.isArray(olds.retiredKeys) && olds.retiredKeys.length > 0;
  if (!listed && graceOf(news) === undefined) return false;
  const s = ctx.session();
  const { living, over } = await findRetired(s, Number(id), listAllKeysShared);
  return over.length > 0 || !sameRetiredKeys(olds.retiredKeys, living);
}

/** Deletes the keys retired for `keyId` whose grace is over; the ones still in it, for the output. */
export async function settleRetiredKeys(
  s: Session,
  keyId: number,
  listed: unknown,
  grace: number | undefined,
): Promise<RetiredKey[]> {
  if (!(Array.isArray(listed) && listed.length > 0) && grace === undefined) return [];
  const { living, over } = await findRetired(s, keyId);
  for (const record of over) await deleteRetired(s, record.id);
  return living;
}
