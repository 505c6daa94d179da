/**
 * `pulumi-cometapi/policy`: CrossGuard guardrails for CometAPI keys (needs `@pulumi/policy` in
 * the policy pack). See `keyPolicies.ts` and examples/policy.
 */
export { type CometApiKeyPolicyOptions, cometApiKeyPolicies, KEY_POLICY_NAMES } from "./keyPolicies.js";
export {
  COMETAPI_KEY_TYPES,
  DYNAMIC_KEY_TYPE,
  isCometApiKeyType,
  type KeyProps,
  NATIVE_KEY_TYPE,
} from "./keyResourceTypes.js";
