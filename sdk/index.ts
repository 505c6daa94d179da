/**
 * `pulumi-cometapi`: CometAPI API keys as Pulumi resources.
 *
 * Configure the connection with stack config (`cometapi:accessToken` as a secret,
 * `cometapi:baseUrl`, `cometapi:userId`) or the environment (`COMETAPI_ACCESS_TOKEN`,
 * `COMETAPI_BASE_URL`, `COMETAPI_USER_ID`); `cometapi:checkAccount false` (`COMETAPI_CHECK_ACCOUNT`)
 * stops checking `models` and `group` against what the account may use.
 */
// First: on a Node.js below the floor, fail when the program loads, naming both versions.
import "../provider/shared/nodeVersion.js";

export {
  type AccountSummary,
  type GetGroupsResult,
  type GetModelsArgs,
  type GetModelsResult,
  type GroupSummary,
  getAccount,
  getGroups,
  getModels,
  getModelsOutput,
} from "./accountLookups.js";
export {
  type ApiKeySummary,
  type GetApiKeyArgs,
  type GetApiKeysArgs,
  type GetApiKeysResult,
  getApiKey,
  getApiKeys,
  getApiKeysOutput,
} from "./apiKeyLookups.js";
export { CometApiKey, type CometApiKeyArgs, type KeyStatus, type RetiredKey } from "./cometApiKey.js";
