/**
 * The resource types the key policies judge: the TypeScript `CometApiKey` (a dynamic resource)
 * and the native provider's `cometapi:index:ApiKey`. Both carry the same input names.
 */

/** The type token of `CometApiKey` (`new dynamic.Resource(…, "cometapi", "CometApiKey")`). */
export const DYNAMIC_KEY_TYPE = "pulumi-nodejs:dynamic/cometapi:CometApiKey";
/** The type token of the native provider's key resource (`pulumi-resource-cometapi`). */
export const NATIVE_KEY_TYPE = "cometapi:index:ApiKey";
/** Every type token of a CometAPI key. */
export const COMETAPI_KEY_TYPES: readonly string[] = [DYNAMIC_KEY_TYPE, NATIVE_KEY_TYPE];

/** True when `type` is a CometAPI key. */
export function isCometApiKeyType(type: string): boolean {
  return COMETAPI_KEY_TYPES.includes(type);
}

/** The key inputs a policy reads, as the engine hands them over (validated by nothing yet). */
export interface KeyProps {
  name?: unknown;
  expiresAt?: unknown;
  quota?: unknown;
  unlimitedQuota?: unknown;
  models?: unknown;
  allowIps?: unknown;
  rotateAfter?: unknown;
  rotateBefore?: unknown;
  retireAfter?: unknown;
}
