/**
 * The provider family: the provider's own rules refused to go on (configuration, an ambiguous or
 * unfindable create, a change the service cannot make, a key that exists but could not be
 * finished). Every class here is a `CometApiProviderError`.
 */
import { CometApiError } from "./cometApiError.js";

/** The provider refused to go on; the message says why and what to do. */
export class CometApiProviderError extends CometApiError {
  override readonly name: string = "CometApiProviderError";
}

/** Connection settings are missing or unsafe (no token, `http://` to a remote host, …). */
export class ConfigurationError extends CometApiProviderError {
  override readonly name: string = "ConfigurationError";
  constructor(message: string) {
    super(message, "configure");
  }
}

/**
 * More new keys match a create than this process created: someone else created an identical key
 * at the same moment. The provider refuses to guess which one is ours.
 */
export class AmbiguousKeyError extends CometApiProviderError {
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
export class CreatedKeyNotFoundError extends CometApiProviderError {
  override readonly name: string = "CreatedKeyNotFoundError";
}

/**
 * A step after the key already exists failed (disabling it, revealing its value, …). Carries the
 * `id` so the Pulumi engine records the key in state instead of forgetting it (no orphan).
 */
export class KeyInitializationError extends CometApiProviderError {
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
export class UnsatisfiableChangeError extends CometApiProviderError {
  override readonly name: string = "UnsatisfiableChangeError";
}

/**
 * A declared field this server build does not know: its key records lack the field, so it cannot
 * hold the value. `fields`: the properties, as the program names them.
 */
export class UnsupportedFieldError extends UnsatisfiableChangeError {
  override readonly name: string = "UnsupportedFieldError";

  constructor(
    readonly fields: readonly string[],
    message: string,
    operation: string,
  ) {
    super(message, operation);
  }
}

/**
 * The key belongs to another account (or service) than the one the provider is configured for:
 * "record not found" then means "not yours", not "deleted". Nothing is dropped from state.
 */
export class WrongAccountError extends ConfigurationError {
  override readonly name: string = "WrongAccountError";
}

/**
 * The service could not say whose access token the provider holds (`GET /api/user/self` failed:
 * a fork without the route, a network fault). Ownership decisions wait for that answer, so the
 * step stopped before writing or dropping anything.
 */
export class IdentityUnavailableError extends CometApiProviderError {
  override readonly name: string = "IdentityUnavailableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, "read the current user", options);
  }
}

/**
 * The engine cancelled the run (one Ctrl-C, a CI timeout's SIGINT): the provider sends no new
 * write, reveal or retry. A step that had created a key still ends with its id (a
 * `KeyInitializationError` carrying this as its cause), so the key stays in the state.
 */
export class CancelledError extends CometApiProviderError {
  override readonly name: string = "CancelledError";
  constructor(operation: string, detail?: string) {
    super(
      `${operation}: not sent, the run was cancelled (Ctrl-C); nothing more is sent to CometAPI` +
        (detail ? ` (${detail})` : ""),
      operation,
    );
  }
}
