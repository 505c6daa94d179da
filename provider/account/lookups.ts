/**
 * The lookup functions about the account itself: `getModels` (the model ids it may use, in all
 * its groups or in one), `getGroups` (the groups it may select, with ratio and description) and
 * `getAccount` (who it is and its quota balance). Read only, one GET each, never a secret.
 */

import { LookupArgumentError } from "../errors/index.js";
import type { CometApiClient, UsableGroup } from "../service/client.js";

// The arguments and results, field by field, are described in `model/description.ts` (`LOOKUPS`);
// the SDK's declarations and the schema are written from there.

export interface GetModelsArgs {
  group?: string;
}

export interface GetModelsResult {
  models: string[];
}

export type GroupSummary = UsableGroup;

export interface GetGroupsResult {
  groups: GroupSummary[];
}

/** Never the access token. */
export interface AccountSummary {
  userId: number;
  /** "" when the server does not say. */
  group: string;
  quota: number;
  usedQuota: number;
  requestCount: number;
}

/** The model ids the account may use (`GET /api/user/models`, optionally `?group=`). */
export async function getModels(client: CometApiClient, args: GetModelsArgs = {}): Promise<GetModelsResult> {
  const group = args.group;
  if (group !== undefined && (typeof group !== "string" || group.trim() === "")) {
    throw new LookupArgumentError("group", "must be a non-empty group name when given");
  }
  return { models: await client.usableModels(group?.trim()) };
}

/** The groups the account may select (`GET /api/user/self/groups`), sorted by name. */
export async function getGroups(client: CometApiClient): Promise<GetGroupsResult> {
  const groups = await client.usableGroups();
  return { groups: groups.sort((a, b) => a.name.localeCompare(b.name)) };
}

/** Who the access token belongs to and its quota (`GET /api/user/self`). */
export async function getAccount(client: CometApiClient): Promise<AccountSummary> {
  const me = await client.currentUser();
  return {
    userId: me.id,
    group: me.group ?? "",
    quota: me.quota ?? 0,
    usedQuota: me.usedQuota ?? 0,
    requestCount: me.requestCount ?? 0,
  };
}
