/**
 * Errors a user can act on: `pulumi refresh` and `pulumi destroy` do not run the program; they use
 * the provider configuration recorded at the last `pulumi up`. When that configuration no longer
 * works (the token was changed or revoked, the base URL or user id moved), a read or delete fails
 * with an error that says so and what to run. test/e2e/recordedConfiguration.test.ts checks the
 * engine's output of such failures, including that it carries no stack trace.
 */
import { ConfigurationError } from "./providerErrors.js";
import { ApiBusinessError, AuthenticationError, KeyNotFoundError } from "./requestErrors.js";

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
        (error instanceof ApiBusinessError && !(error instanceof KeyNotFoundError))) &&
      !error.message.includes(RECORDED_CONFIGURATION_HINT)
    ) {
      error.message = `${error.message.trimEnd()} ${RECORDED_CONFIGURATION_HINT}`;
    }
    throw error;
  }
}
