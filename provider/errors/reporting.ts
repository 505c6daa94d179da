/**
 * Errors a user can act on: `pulumi refresh` and `pulumi destroy` do not run the program; they use
 * the provider configuration recorded at the last `pulumi up`. When that configuration no longer
 * works (the token was changed or revoked, the base URL or user id moved), a read or delete fails
 * with an error that says so and what to run. And the dynamic provider reports our own errors
 * without a stack trace. test/e2e/recordedConfiguration.test.ts checks the engine's output of
 * such failures.
 */
import { CometApiError } from "./cometApiError.js";
import { ConfigurationError } from "./providerErrors.js";
import { ApiBusinessError, AuthenticationError, RecordNotFoundError } from "./requestErrors.js";

export const RECORDED_CONFIGURATION_HINT =
  "`pulumi refresh` and `pulumi destroy` use the provider configuration recorded at the last " +
  "`pulumi up` (token, base URL, user id): after changing it, run `pulumi up` first, or run " +
  "`pulumi refresh --run-program` / `pulumi destroy --run-program`, which read it from the program.";

/**
 * Runs a read or delete; a refusal that the configuration explains gets the hint appended: HTTP 401,
 * a business refusal (new-api answers "invalid access token" with HTTP 200 and `success: false`;
 * "record not found" is not one), or a configuration the provider itself refuses.
 */
export async function withRecordedConfigurationHint<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (
      (error instanceof AuthenticationError ||
        error instanceof ConfigurationError ||
        (error instanceof ApiBusinessError && !(error instanceof RecordNotFoundError))) &&
      !error.message.includes(RECORDED_CONFIGURATION_HINT)
    ) {
      error.message = `${error.message.trimEnd()} ${RECORDED_CONFIGURATION_HINT}`;
    }
    throw error;
  }
}

/**
 * Makes a typed error print as `<class name>: <message>` through what @pulumi/pulumi's
 * dynamic-provider server prints for a failed check, diff, read, update or delete:
 * `${error}: ${error.stack}`. The message is the whole story for our own errors (`CometApiError`);
 * other errors (bugs) keep their trace.
 */
export function withoutStackTrace(error: unknown): unknown {
  if (error instanceof CometApiError) {
    Object.defineProperty(error, "stack", { value: error.message, configurable: true, writable: true });
    Object.defineProperty(error, "toString", { value: () => error.name, configurable: true });
  }
  return error;
}

/** The same provider, each method's typed errors reported without a stack trace. */
export function reportingWithoutStackTraces<T extends object>(provider: T): T {
  for (const [name, method] of Object.entries(provider)) {
    if (typeof method !== "function") continue;
    Object.assign(provider, {
      [name]: async (...args: unknown[]) => {
        try {
          return await method.apply(provider, args);
        } catch (error) {
          throw withoutStackTrace(error);
        }
      },
    });
  }
  return provider;
}
