/**
 * The plugin's functions (`Invoke`): `cometapi:index:getApiKey`, `getApiKeys`, `getModels`,
 * `getGroups` and `getAccount`, served by the core's lookups (`provider/key/lookups.ts`,
 * `provider/account/lookups.ts`) with the connection's client.
 */
import { getAccount, getGroups, getModels } from "../provider/account/lookups.js";
import { LookupArgumentError } from "../provider/errors/index.js";
import { getApiKey, getApiKeys } from "../provider/key/lookups.js";
import {
  GET_ACCOUNT_TOKEN,
  GET_API_KEY_TOKEN,
  GET_API_KEYS_TOKEN,
  GET_GROUPS_TOKEN,
  GET_MODELS_TOKEN,
} from "../provider/model/description.js";
import type { CometApiClient } from "../provider/service/client.js";
import type { PropertyMap } from "./propertyValues.js";

/** The result of one invoke: a return value or failures naming the argument. */
export type InvokeResult =
  | { return: PropertyMap; failures?: undefined }
  | { return?: undefined; failures: { property: string; reason: string }[] };

/** Runs function `token` with plain `args`. */
export async function invokeFunction(
  token: string,
  args: PropertyMap,
  client: () => CometApiClient,
): Promise<InvokeResult> {
  try {
    switch (token) {
      case GET_API_KEY_TOKEN:
        return { return: { ...(await getApiKey(client(), args.keyId)) } };
      case GET_API_KEYS_TOKEN: {
        const keys = await getApiKeys(client(), {
          ...(args.name === undefined ? {} : { name: args.name as string }),
          ...(args.namePrefix === undefined ? {} : { namePrefix: args.namePrefix as string }),
        });
        return { return: { keys: keys.map((k) => ({ ...k })) } };
      }
      case GET_MODELS_TOKEN:
        return {
          return: {
            ...(await getModels(client(), args.group === undefined ? {} : { group: args.group as string })),
          },
        };
      case GET_GROUPS_TOKEN: {
        const { groups } = await getGroups(client());
        return { return: { groups: groups.map((g) => ({ ...g })) } };
      }
      case GET_ACCOUNT_TOKEN:
        return { return: { ...(await getAccount(client())) } };
      default:
        throw new Error(
          `unknown function ${token}; the cometapi plugin has ${[GET_API_KEY_TOKEN, GET_API_KEYS_TOKEN, GET_MODELS_TOKEN, GET_GROUPS_TOKEN, GET_ACCOUNT_TOKEN].join(", ")}`,
        );
    }
  } catch (error) {
    if (error instanceof LookupArgumentError) {
      return { failures: [{ property: error.property, reason: error.reason }] };
    }
    throw error;
  }
}
