/**
 * The request family: the service answered no, answered something unusable, or could not be
 * reached. Every class here is a `CometApiRequestError`.
 */
import { CometApiError } from "./cometApiError.js";

/** A request to the service failed: its answer, its status or the network said so. */
export class CometApiRequestError extends CometApiError {
  override readonly name: string = "CometApiRequestError";
}

/**
 * The service answered `HTTP 200 {"success": false, "message": …}`: a validation error, a
 * business rule, "record not found" or an invalid access token. `serverMessage` is the server's
 * text, which may be localised. The message quotes it as the server's words, unless
 * `explanation` (the provider's own words about what it means) is given instead.
 */
export class ApiBusinessError extends CometApiRequestError {
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

/**
 * The service's one recognisable refusal, `"record not found"`: the record a request names does
 * not exist, was deleted, or belongs to another user. The transport raises it for any route; the
 * key routes of the client raise the more specific {@link KeyNotFoundError}.
 */
export class RecordNotFoundError extends ApiBusinessError {
  override readonly name: string = "RecordNotFoundError";
}

/** The key does not exist, was deleted, or belongs to another user (`"record not found"` on a key route). */
export class KeyNotFoundError extends RecordNotFoundError {
  override readonly name: string = "KeyNotFoundError";
}

/** HTTP 401: the access token or the `New-Api-User` header was refused. */
export class AuthenticationError extends CometApiRequestError {
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
export class HttpStatusError extends CometApiRequestError {
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
export class ResponseShapeError extends CometApiRequestError {
  override readonly name: string = "ResponseShapeError";
}

/** The connection failed or timed out before an answer arrived, and retries did not help. */
export class NetworkError extends CometApiRequestError {
  override readonly name: string = "NetworkError";
}

/**
 * A request that changes something (create, full update) got no usable answer: it may or may not
 * have taken effect. The provider reconciles these by reading back, never by re-sending blindly.
 */
export class OutcomeUnknownError extends CometApiRequestError {
  override readonly name: string = "OutcomeUnknownError";
}
