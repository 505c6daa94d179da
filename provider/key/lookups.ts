/**
 * The lookup functions `getApiKey` (by id) and `getApiKeys` (by exact name or name prefix): read
 * only, never a reveal, key values always masked. `getApiKey` is one GET; `getApiKeys` is one
 * listing request per page of 100 keys, read again (up to twice) when the account changed while it
 * paged, and each key is returned once.
 */

import { KeyNotFoundError, LookupArgumentError } from "../errors/index.js";
import type { KeySummaryValues } from "../model/description.js";
import { type ApiKeyRecord, type CometApiClient, MAX_PAGE_SIZE } from "../service/client.js";
import { reportedOutputs, storedInputs } from "./recordMapping.js";
import type { KeyStatus } from "./status.js";

/**
 * A key as the lookups return it (`KEY_SUMMARY` in `model/description.ts`, typed from it): what the
 * key holds, its plain fields sorted, and what the service reports; never its value.
 */
export type ApiKeySummary = Omit<KeySummaryValues, "status"> & { status: KeyStatus };

/** Arguments of `getApiKeys` (described in `model/description.ts`, `LOOKUPS`): exactly one of the two. */
export interface GetApiKeysArgs {
  name?: string;
  namePrefix?: string;
}

/** One key by id; throws `KeyNotFoundError` (with advice) when it is not visible. */
export async function getApiKey(client: CometApiClient, keyId: unknown): Promise<ApiKeySummary> {
  const id = typeof keyId === "string" && /^\d+$/.test(keyId) ? Number(keyId) : keyId;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id <= 0) {
    throw new LookupArgumentError(
      "keyId",
      `must be the positive whole-number id of a key, got ${String(keyId)}`,
    );
  }
  try {
    return summaryOf(await client.getKey(id), client.serverNow());
  } catch (error) {
    if (error instanceof KeyNotFoundError) {
      throw new KeyNotFoundError(
        `get key ${id}`,
        `getApiKey: no key with id ${id} is visible to this access token (it does not exist, was deleted, or belongs to another user)`,
      );
    }
    throw error;
  }
}

/** The keys matching `args`, newest first, from a paged listing. */
export async function getApiKeys(client: CometApiClient, args: GetApiKeysArgs): Promise<ApiKeySummary[]> {
  const { name, namePrefix } = args;
  if (name !== undefined && typeof name !== "string")
    throw new LookupArgumentError("name", "must be a string");
  if (namePrefix !== undefined && typeof namePrefix !== "string")
    throw new LookupArgumentError("namePrefix", "must be a string");
  if ((name === undefined) === (namePrefix === undefined)) {
    throw new LookupArgumentError("name", "or namePrefix is required, and only one of the two");
  }
  const matches = (record: ApiKeyRecord) =>
    name !== undefined ? record.name === name : record.name.startsWith(namePrefix as string);
  const records = await everyKey(client);
  const now = client.serverNow();
  return records.filter(matches).map((record) => summaryOf(record, now));
}

/**
 * Every key of the account, each once: the listing is read again (up to three passes in all) when
 * the account changed while it paged, and de-duplicated by id.
 */
export async function everyKey(client: CometApiClient): Promise<ApiKeyRecord[]> {
  let listing = await listAllKeys(client);
  for (let pass = 2; listing.shifted && pass <= MAX_LISTING_PASSES; pass += 1)
    listing = await listAllKeys(client);
  const seen = new Set<number>();
  return listing.records.filter((record) => !seen.has(record.id) && seen.add(record.id));
}

/** Listings read again at most this often when the account changed while they paged. */
const MAX_LISTING_PASSES = 3;

/**
 * Every key, page by page (newest first). The listing pages by offset, so a key created or deleted
 * between two pages shifts the later ones (one key twice, or one skipped): `shifted` says a page
 * told another total, or did not continue below the previous page's last id.
 */
async function listAllKeys(client: CometApiClient): Promise<{ records: ApiKeyRecord[]; shifted: boolean }> {
  const records: ApiKeyRecord[] = [];
  let total: number | undefined;
  let shifted = false;
  for (let page = 1; ; page += 1) {
    const listed = await client.listKeys({ page, pageSize: MAX_PAGE_SIZE });
    total ??= listed.total;
    const last = records.at(-1);
    const first = listed.items[0];
    if (listed.total !== total || (last !== undefined && first !== undefined && first.id >= last.id))
      shifted = true;
    records.push(...listed.items);
    if (listed.items.length < MAX_PAGE_SIZE || page * MAX_PAGE_SIZE >= listed.total) break;
  }
  return { records, shifted };
}

function summaryOf(record: ApiKeyRecord, serverNow: number): ApiKeySummary {
  return { ...storedInputs(record), ...reportedOutputs(record, serverNow) };
}
