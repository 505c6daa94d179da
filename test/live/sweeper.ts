/**
 * The live tests' sweeper: deletes keys whose name starts with `pulumi-cometapi-live-` (all of
 * them, or only those created before a cut-off), so that an interrupted run leaves nothing behind
 * for long. Only ever touches keys with that prefix.
 */
import { CometApiClient, MAX_PAGE_SIZE, resolveConnection } from "../../provider";

export const LIVE_PREFIX = "pulumi-cometapi-live-";

/** A client for the account in COMETAPI_ACCESS_TOKEN (COMETAPI_BASE_URL, COMETAPI_USER_ID). */
export function liveClient(): CometApiClient {
  return new CometApiClient(resolveConnection({}));
}

/**
 * Deletes every key named `<prefix>…` created at or before `createdBefore` (unix seconds; default:
 * any time). Returns the deleted ids.
 */
export async function sweepLeftovers(
  client: CometApiClient,
  options: { prefix?: string; createdBefore?: number } = {},
): Promise<number[]> {
  const prefix = options.prefix ?? LIVE_PREFIX;
  if (!prefix.startsWith(LIVE_PREFIX)) throw new Error(`refusing to sweep outside ${LIVE_PREFIX}*`);
  const doomed: number[] = [];
  for (let page = 1; ; page += 1) {
    const { items } = await client.listKeys({ page, pageSize: MAX_PAGE_SIZE });
    for (const key of items) {
      if (!key.name.startsWith(prefix)) continue;
      if (options.createdBefore !== undefined && key.createdAt > options.createdBefore) continue;
      doomed.push(key.id);
    }
    if (items.length < MAX_PAGE_SIZE) break;
  }
  for (const id of doomed) await client.deleteKey(id).catch(() => undefined);
  return doomed;
}
