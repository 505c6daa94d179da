/**
 * The root of every error pulumi-cometapi throws. Two families extend it, each with its own base
 * class: `CometApiRequestError` (errors/requestErrors.ts: the service or the network refused or failed a
 * request) and `CometApiProviderError` (errors/providerErrors.ts: the provider's own rules refused to go
 * on). Callers branch on the class, never on message text.
 *
 * No error ever carries the access token: messages are built from the operation, the HTTP status
 * and the server's own message, never from request headers.
 */

/** What every error of this package has in common: the operation that failed, e.g. `"list keys"`. */
export class CometApiError extends Error {
  override readonly name: string = "CometApiError";
  constructor(
    message: string,
    /** The operation that failed, in words: `"create key"`, `"update key 12"`. */
    readonly operation: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
