/**
 * `pulumi-cometapi/provider`: the dynamic provider behind `CometApiKey`, and the client it uses.
 *
 * Programs do not import this directly: the SDK's `CometApiKey` hands Pulumi a thin loader that
 * requires this module at call time. Scripts can use `CometApiClient` on its own.
 */
// First: on a Node.js below the floor, fail here with both versions named (not deep in undici).
import "./nodeVersion.js";

export {
  type ApiKeyFields,
  type ApiKeyPage,
  type ApiKeyRecord,
  CometApiClient,
  type CometApiClientOptions,
  MAX_PAGE_SIZE,
  WireKeyStatus,
} from "./client.js";
export {
  type CometApiKeyOutputs,
  type CometApiKeyProvider,
  type CometApiKeyProviderOptions,
  cometApiKeyProvider,
  createCometApiKeyProvider,
} from "./cometApiKeyProvider.js";
export { type ConnectionSettings, DEFAULT_BASE_URL, resolveConnection } from "./connection.js";
export { CreatedKeyResolver, type CreatedKeyResolverOptions } from "./createdKeyResolver.js";
export * from "./errors.js";
export type { HttpOptions, HttpStats } from "./http.js";
export { type CometApiKeyInputs, checkInputs, MAX_NAME_BYTES, MAX_QUOTA, UNKNOWN } from "./inputs.js";
export { canonicalIpEntry, parseIpEntry } from "./ip.js";
export type { KeyRevealerOptions } from "./keyRevealer.js";
export { type KeyStatus, keyStatusOf } from "./keyStatus.js";
export { MIN_NODE_VERSION, UnsupportedNodeVersionError } from "./nodeVersion.js";
