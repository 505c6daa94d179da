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
  /** `why`: what stopped the run, for the message. */
  constructor(operation: string, detail?: string, why = "the run was cancelled (Ctrl-C)") {
    super(
      `${operation}: not sent, ${why}; nothing more is sent to CometAPI${detail ? ` (${detail})` : ""}`,
      operation,
    );
  }
}

/**
 * The engine that started this provider process is gone (its CLI killed: a second Ctrl-C, a
 * SIGKILL, a lost CI runner): the request was not sent, and the process is about to exit. A
 * `CancelledError`, so everything that stops on a cancel stops on this too.
 */
export class EngineGoneError extends CancelledError {
  override readonly name: string = "EngineGoneError";
  constructor(operation: string) {
    super(operation, undefined, "the Pulumi engine is gone (its CLI ended)");
  }
}

/** A lookup (getApiKey, getApiKeys, getModels, …) called with arguments it cannot use; names the argument and the rule. */
export class LookupArgumentError extends CometApiProviderError {
  override readonly name: string = "LookupArgumentError";
  constructor(
    readonly property: string,
    readonly reason: string,
  ) {
    super(`${property} ${reason}`, "lookup");
  }
}

/**
 * Before a create, several keys of the caller carry the resource's auto-name and no step of the
 * run accounts for them (runs that stopped before Pulumi recorded their keys, or another stack
 * with the same project, stack and resource names). Nothing was created: the message names the
 * ids and how to keep one.
 */
export class UnrecordedKeysError extends CometApiProviderError {
  override readonly name: string = "UnrecordedKeysError";
  constructor(
    readonly keyName: string,
    readonly resource: string,
    readonly candidateIds: readonly number[],
  ) {
    super(
      `create key "${keyName}" (resource "${resource}"): nothing was created, because your account already has ` +
        `${candidateIds.length} keys with this name that this stack does not hold (ids ${candidateIds.join(", ")}), ` +
        "left by runs that stopped before Pulumi recorded them (or by another stack with the same project, stack " +
        `and resource names). Refusing to guess which one is this resource's and to add one more. Keep one: ${UnrecordedKeysError.advice(resource, candidateIds[0] ?? 0)}, ` +
        "and delete the others in the CometAPI console (or delete them all and let `pulumi up` create the key).",
      "create key",
    );
  }

  /** How to put key `id` under `resource` through either front door. */
  static advice(resource: string, id: number): string {
    return (
      `set \`adoptKeyId: ${id}\` on the resource (TypeScript CometApiKey) or run ` +
      `\`pulumi import cometapi:index:ApiKey ${resource} ${id}\` (native plugin), then \`pulumi up\``
    );
  }
}
