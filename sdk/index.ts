/**
 * `pulumi-cometapi`: CometAPI API keys as Pulumi resources.
 *
 * Configure the connection with stack config (`cometapi:accessToken` as a secret,
 * `cometapi:baseUrl`, `cometapi:userId`) or the environment (`COMETAPI_ACCESS_TOKEN`,
 * `COMETAPI_BASE_URL`, `COMETAPI_USER_ID`).
 */
export { CometApiKey, type CometApiKeyArgs, type KeyStatus } from "./cometApiKey.js";
