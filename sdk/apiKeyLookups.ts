/**
 * `getApiKey` and `getApiKeys` for TypeScript programs that use the dynamic `CometApiKey`: the
 * same lookups the native plugin serves as `cometapi:index:getApiKey(s)`, run in the program
 * process with the stack's `cometapi:*` config (falling back to the `COMETAPI_*` environment).
 * Read only: one GET, or one listing request per page of 100; never a reveal, values masked.
 *
 * @example
 * import { getApiKeys } from "pulumi-cometapi";
 * const legacy = await getApiKeys({ namePrefix: "legacy-" });
 * export const legacyIds = legacy.keys.map((k) => k.keyId);
 */
import * as pulumi from "@pulumi/pulumi";
import * as lookups from "../provider/index.js";
import { CometApiClient, resolveConnection } from "../provider/index.js";
import type { ApiKeySummary, GetApiKeyArgs, GetApiKeysArgs, GetApiKeysResult } from "./cometApiKeyTypes.js";

export type { ApiKeySummary, GetApiKeyArgs, GetApiKeysArgs, GetApiKeysResult } from "./cometApiKeyTypes.js";

/** Runs `run` with a client on the stack's connection, closed afterwards (shared with account/lookups.ts). */
export async function withClient<T>(run: (client: CometApiClient) => Promise<T>): Promise<T> {
  // runtime.getConfig reads a secret's value without the "secret read as plain" warning; the
  // token goes to the client only.
  const client = new CometApiClient(
    resolveConnection({
      accessToken: pulumi.runtime.getConfig("cometapi:accessToken"),
      baseUrl: pulumi.runtime.getConfig("cometapi:baseUrl"),
      userId: pulumi.runtime.getConfig("cometapi:userId"),
    }),
  );
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

/** Looks up one key by id; fails naming the id when no such key is visible to the token. */
export function getApiKey(args: GetApiKeyArgs): Promise<ApiKeySummary> {
  return withClient((client) => lookups.getApiKey(client, args.keyId));
}

/** Lists the keys whose name is exactly `name` or starts with `namePrefix` (give one). */
export async function getApiKeys(args: GetApiKeysArgs): Promise<GetApiKeysResult> {
  return { keys: await withClient((client) => lookups.getApiKeys(client, args)) };
}

/** `getApiKeys` with inputs and an output, for use inside resource arguments. */
export function getApiKeysOutput(
  args: pulumi.Input<{ name?: pulumi.Input<string>; namePrefix?: pulumi.Input<string> }>,
): pulumi.Output<GetApiKeysResult> {
  return pulumi.output(args).apply((a) => getApiKeys(a));
}
