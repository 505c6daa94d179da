/**
 * Every error class of pulumi-cometapi, in two families under one root (`CometApiError`):
 * `CometApiRequestError` (the service or the network) and `CometApiProviderError` (the
 * provider's own rules). Import them from here or from `pulumi-cometapi/provider`.
 */
export * from "./cometApiError.js";
export * from "./providerErrors.js";
export * from "./requestErrors.js";
