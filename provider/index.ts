/**
 * `pulumi-cometapi/provider`: the public surface of the core, and nothing more. The dynamic
 * provider that stored `CometApiKey` loaders require (`cometApiKeyProvider`), the CometAPI client
 * for scripts (`CometApiClient`, `resolveConnection`) and every error class. Programs do not
 * import this directly: the SDK's `CometApiKey` hands Pulumi a thin loader that requires this
 * module at call time. Everything else in `provider/` is internal and may change.
 */
// First: on a Node.js below the floor, fail here with both versions named (not deep in undici).
import "./shared/nodeVersion.js";

export {
  type ApiKeyFields,
  type ApiKeyPage,
  type ApiKeyRecord,
  CometApiClient,
  type CometApiClientOptions,
  MAX_PAGE_SIZE,
  WireKeyStatus,
} from "./service/client.js";

import { attachToDynamicProviderHost } from "./host/dynamicProviderHost.js";
import { cometApiKeyProvider } from "./key/lifecycle.js";

// In the dynamic-provider host (and only there): the engine's Cancel and its disappearance reach the provider.
attachToDynamicProviderHost(cometApiKeyProvider);

export {
  type AccountSummary,
  type GetGroupsResult,
  type GetModelsArgs,
  type GetModelsResult,
  type GroupSummary,
  getAccount,
  getGroups,
  getModels,
} from "./account/lookups.js";
export * from "./errors/index.js";
// The read-only lookups (the SDK's getApiKey(s), getModels, getGroups, getAccount run these).
export { type ApiKeySummary, type GetApiKeysArgs, getApiKey, getApiKeys } from "./key/lookups.js";
export type { KeyStatus } from "./key/status.js";
export { type ConnectionSettings, DEFAULT_BASE_URL, resolveConnection } from "./service/connection.js";
export { MIN_NODE_VERSION, UnsupportedNodeVersionError } from "./shared/nodeVersion.js";
// What every stored `CometApiKey` loader requires (test/integration/packaging/storedState.test.ts).
export { cometApiKeyProvider };
