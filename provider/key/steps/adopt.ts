/**
 * The adopt step of a create: taking over key `adoptKeyId`, or a key a stopped run left for the
 * resource (`key/unrecordedKeys.ts`), instead of making a new one.
 */
import { KeyNotFoundError, WrongAccountError } from "../../errors/index.js";
import type { ApiKeyRecord } from "../../service/client.js";
import type { CometApiKeyInputs } from "../inputs.js";
import { outputsOf } from "../recordMapping.js";
import { graceOf, recordCreated } from "../retirement.js";
import type { Session } from "../session.js";
import { converge } from "./converge.js";
import { initFailure } from "./initFailure.js";
import { keyValueOf } from "./keyValue.js";

/**
 * Takes over an existing key and converges it to the declared inputs: key `adoptKeyId`, or
 * `left`, a key a stopped run created for this resource (its allotment is the declared quota,
 * less what was used since: nothing is given back). Recorded as this run's new key for its name,
 * as a created one is (`recordCreated`).
 */
export async function adopt(
  s: Session,
  inputs: CometApiKeyInputs,
  callerId: number,
  left?: ApiKeyRecord,
): Promise<{ id: string; outs: Record<string, unknown> }> {
  const id = left?.id ?? (inputs.adoptKeyId as number);
  let live: ApiKeyRecord;
  try {
    live = await s.client.getKey(id);
  } catch (error) {
    if (error instanceof KeyNotFoundError && left) {
      throw new KeyNotFoundError(
        `adopt key ${id}`,
        error.serverMessage,
        `key ${id}, left by a run that stopped before Pulumi recorded it, was deleted while this run took it ` +
          "over; nothing was created. Run `pulumi up` again to create the key",
      );
    }
    if (error instanceof KeyNotFoundError) {
      throw new KeyNotFoundError(
        `adopt key ${id}`,
        error.serverMessage,
        `adoptKeyId ${id}: no key with this id is visible to this access token (it does not exist, was deleted, ` +
          "or belongs to another user). Check the id in the CometAPI console's key list",
      );
    }
    throw error;
  }
  if (live.userId !== undefined && live.userId !== callerId) {
    throw new WrongAccountError(
      `adoptKeyId ${id}: key ${id} belongs to user ${live.userId}, not to user ${callerId} whose access token ` +
        "the provider uses (a root token sees every user's keys on some builds). Adopt only your own keys.",
    );
  }
  s.adopted.add(id);
  const quota = inputs.quota ?? 0;
  const remain = inputs.unlimitedQuota
    ? live.remainingQuota
    : left
      ? Math.max(0, quota - live.usedQuota)
      : quota;
  let record = live;
  try {
    record = await converge(s, live, inputs, {
      remainingQuota: remain,
      quotaIsExplicit: !inputs.unlimitedQuota,
      attemptingRevival: true,
    });
    const key = await keyValueOf(s, record);
    // In a replacement, the key held before is retired (not deleted) only when this one has a grace.
    recordCreated(s, inputs.name, id, graceOf(inputs));
    return {
      id: String(id),
      outs: outputsOf(inputs, record, key, s.settings.baseUrl, s.client.serverNow()),
    };
  } catch (error) {
    throw initFailure(error, "adopt", inputs, record, s);
  }
}
