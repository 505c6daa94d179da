/**
 * `getModels`, `getGroups` and `getAccount` for TypeScript programs that use the dynamic
 * `CometApiKey`: the same lookups the native plugin serves as `cometapi:index:getModels`,
 * `getGroups` and `getAccount`, run in the program process with the stack's `cometapi:*` config
 * (falling back to the `COMETAPI_*` environment). Read only, one GET each, never a secret.
 *
 * @example
 * import { CometApiKey, getAccount, getModels } from "pulumi-cometapi";
 * // Every model of the vip group, for one key:
 * const vip = await getModels({ group: "vip" });
 * new CometApiKey("vip-all", { group: "vip", models: vip.models, quota: 1_000_000 });
 * // Fail the deployment when the balance is below what the stack's keys are allotted:
 * const account = await getAccount();
 * if (account.quota < 5_000_000) throw new Error(`balance ${account.quota} is below the 5000000 allotted`);
 */
import * as pulumi from "@pulumi/pulumi";
import * as lookups from "../provider/index.js";
import { withClient } from "./apiKeyLookups.js";

import type { AccountSummary, GetGroupsResult, GetModelsArgs, GetModelsResult } from "./cometApiKeyTypes.js";

export type {
  AccountSummary,
  GetGroupsResult,
  GetModelsArgs,
  GetModelsResult,
  GroupSummary,
} from "./cometApiKeyTypes.js";

/** The model ids the account may use: in all its usable groups, or in `args.group` only. */
export function getModels(args: GetModelsArgs = {}): Promise<GetModelsResult> {
  return withClient((client) => lookups.getModels(client, args));
}

/** `getModels` with inputs and an output, for use inside resource arguments. */
export function getModelsOutput(
  args: pulumi.Input<{ group?: pulumi.Input<string> }> = {},
): pulumi.Output<GetModelsResult> {
  return pulumi.output(args).apply((a) => getModels(a));
}

/** The groups the account may select, sorted by name, with ratio and description. */
export function getGroups(): Promise<GetGroupsResult> {
  return withClient((client) => lookups.getGroups(client));
}

/** Who the access token belongs to and its quota balance, used quota and request count. */
export function getAccount(): Promise<AccountSummary> {
  return withClient((client) => lookups.getAccount(client));
}
