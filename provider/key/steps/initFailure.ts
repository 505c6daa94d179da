import { KeyInitializationError } from "../../errors/index.js";
import { heldBy } from "../../model/fieldRules.js";
import type { ApiKeyRecord } from "../../service/client.js";
import type { CometApiKeyInputs } from "../inputs.js";
import { outputsOf } from "../recordMapping.js";
import type { Session } from "../session.js";

/** The error for a failure after the key exists: carries the id so the engine keeps the key. */
export function initFailure(
  error: unknown,
  step: string,
  inputs: CometApiKeyInputs,
  record: ApiKeyRecord,
  s: Session,
  key?: string,
): KeyInitializationError {
  const reason = error instanceof Error ? error.message : String(error);
  return new KeyInitializationError(
    `${step} key ${record.id}: the key exists, but a later step failed: ${reason}. It is recorded in the stack; ` +
      "run `pulumi up` again to finish.",
    `${step} key ${record.id}`,
    String(record.id),
    // Fields the server could not hold are recorded as it holds them: the next run tries again.
    outputsOf(heldBy(inputs, record), record, key, s.settings.baseUrl, s.client.serverNow()),
    { cause: error },
  );
}
