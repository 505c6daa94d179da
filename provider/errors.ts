/**
 * The typed errors of pulumi-cometapi. Every error the client or the provider throws is a
 * `CometApiError`; callers branch on the subclass, never on message text.
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

/**
 * The service answered `HTTP 200 {"success": false, "message": …}`: a validation error, a
 * business rule, "record not found" or an invalid access token. `serverMessage` is the server's
 * text, which may be localised. The message quotes it as the server's words, unless
 * `explanation` (the provider's own words about what it means) is given instead.
 */
export class ApiBusinessError extends CometApiError {
  override readonly name: string = "ApiBusinessError";
  constructor(
    operation: string,
    readonly serverMessage: string,
    explanation?: string,
  ) {
    super(
      explanation === undefined
        ? `${operation}: CometAPI refused the request: ${serverMessage || "(no message)"}`
        : `${operation}: ${explanation}`,
      operation,
    );
  }
}

/** The record does not exist, was deleted, or belongs to another user (`"record not found"`). */
export class KeyNotFoundError extends ApiBusinessError {
  override readonly name: string = "KeyNotFoundError";
}

/** HTTP 401: the access token or the `New-Api-User` header was refused. */
export class AuthenticationError extends CometApiError {
  override readonly name: string = "AuthenticationError";
  constructor(
    operation: string,
    readonly serverMessage: string,
    hint: string,
  ) {
    super(
      `${operation}: CometAPI answered 401 Unauthorized${serverMessage ? ` (${serverMessage})` : ""}. ${hint}`,
      operation,
    );
  }
}

/** A non-200 HTTP status that retries could not get past (5xx, 404 for an unknown route, …). */
export class HttpStatusError extends CometApiError {
  override readonly name: string = "HttpStatusError";
  constructor(
    operation: string,
    readonly status: number,
    /** The server's body text (or the provider's note when the body was empty). */
    readonly detail: string,
  ) {
    super(`${operation}: CometAPI answered HTTP ${status}${detail ? `: ${detail}` : ""}`, operation);
  }
}

/** HTTP 429 until the retry budget ran out. */
export class RateLimitedError extends HttpStatusError {
  override readonly name: string = "RateLimitedError";
}

/** The answer was not the JSON shape the contract promises (truncated body, missing field, …). */
export class ResponseShapeError extends CometApiError {
  override readonly name: string = "ResponseShapeError";
}

/** The connection failed or timed out before an answer arrived, and retries did not help. */
export class NetworkError extends CometApiError {
  override readonly name: string = "NetworkError";
}

/**
 * A request that changes something (create, full update) got no usable answer: it may or may not
 * have taken effect. The provider reconciles these by reading back, never by re-sending blindly.
 */
export class OutcomeUnknownError extends CometApiError {
  override readonly name: string = "OutcomeUnknownError";
}

/** Connection settings are missing or unsafe (no token, `http://` to a remote host, …). */
export class ConfigurationError extends CometApiError {
  override readonly name: string = "ConfigurationError";
  constructor(message: string) {
    super(message, "configure");
  }
}

/**
 * More new keys match a create than this process created: someone else created an identical key
 * at the same moment. The provider refuses to guess which one is ours.
 */
export class AmbiguousKeyError extends CometApiError {
  override readonly name: string = "AmbiguousKeyError";
  constructor(
    readonly keyName: string,
    readonly candidateIds: readonly number[],
  ) {
    super(
      `create key "${keyName}": the key was created, but ${candidateIds.length} new keys match it ` +
        `(ids ${candidateIds.join(", ")}), more than this program created; another client created an ` +
        "identical key at the same time. Refusing to guess: delete the extra key in the CometAPI console " +
        "(or adopt the right one with `adoptKeyId`) and run the update again. Giving keys distinct names avoids this.",
      "create key",
    );
  }
}

/** The create was accepted but no matching new key could be found by listing. */
export class CreatedKeyNotFoundError extends CometApiError {
  override readonly name: string = "CreatedKeyNotFoundError";
}

/**
 * A step after the key already exists failed (disabling it, revealing its value, …). Carries the
 * `id` so the Pulumi engine records the key in state instead of forgetting it (no orphan).
 */
export class KeyInitializationError extends CometApiError {
  override readonly name: string = "KeyInitializationError";
  constructor(
    message: string,
    operation: string,
    /** The resource id (the key's numeric id as a string): the engine keeps the resource. */
    readonly id: string,
    /** The outputs known so far, recorded by the engine. */
    readonly properties: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, operation, options);
  }

  /** The engine reads these as the reasons the resource failed to initialise. */
  get reasons(): string[] {
    return [this.message];
  }
}

/** The requested change cannot work as declared; the message says what to change. */
export class UnsatisfiableChangeError extends CometApiError {
  override readonly name: string = "UnsatisfiableChangeError";
}

/**
 * The key belongs to another account (or service) than the one the provider is configured for:
 * "record not found" then means "not yours", not "deleted". Nothing is dropped from state.
 */
export class WrongAccountError extends ConfigurationError {
  override readonly name: string = "WrongAccountError";
}
