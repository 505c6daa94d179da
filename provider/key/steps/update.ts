/**
 * The update step: the live record (at most 2 s old), the declared inputs converged onto it
 * (`converge.ts`) with the quota rule (a changed quota is a new allotment, otherwise the live
 * remainder is kept), then the retired keys settled.
 */
import { KeyNotFoundError } from "../../errors/index.js";
import type { ApiKeyRecord } from "../../service/client.js";
import { assertOwnAccount, assertOwnKey } from "../ownership.js";
import { checkedInputs, recordedOutputs } from "../recordedValues.js";
import {
  appliedInputs,
  limitedRemain,
  outputsOf,
  type Progress,
  unrecordedQuotaChange,
} from "../recordMapping.js";
import { graceOf } from "../retirement.js";
import { withScheduledExpiry } from "../rotation.js";
import type { LifecycleContext } from "./context.js";
import { converge } from "./converge.js";
import { initFailure } from "./initFailure.js";
import { keyValueOf } from "./keyValue.js";
import { settleRetiredKeys } from "./retiredKeys.js";

export async function update(
  ctx: LifecycleContext,
  id: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<{ outs: Record<string, unknown> }> {
  const old = recordedOutputs(olds);
  const inputs = checkedInputs(withScheduledExpiry(olds, news), `update key ${id}`);
  const s = ctx.session();
  ctx.recorded.held(id, old.name);
  assertOwnKey((await s.caller()).id, id, old.userId, `update key ${id}`);
  // The live record, at most 2 s old (the updates of those 2 s share one listing; usage that
  // lands after it is taken off again from the update's answer).
  const live = await s.snapshot.find(Number(id), { fresh: true });
  if (!live) {
    await assertOwnAccount(s, id, old, `update key ${id}`);
    throw new KeyNotFoundError(
      `update key ${id}`,
      "record not found",
      `key ${id} no longer exists (deleted outside Pulumi?). Run \`pulumi refresh\` to drop it from the ` +
        "state, then `pulumi up` to create a new one",
    );
  }
  // A change the server already has (a stopped run) is not sent again: that would refund usage.
  const quotaChanged =
    (old.quota !== inputs.quota || old.unlimitedQuota !== inputs.unlimitedQuota) &&
    (inputs.unlimitedQuota || !unrecordedQuotaChange(old, live, inputs.quota ?? 0));
  const remain = quotaChanged && !inputs.unlimitedQuota ? (inputs.quota ?? 0) : limitedRemain(live);
  const attemptingRevival =
    quotaChanged || old.enabled !== inputs.enabled || old.expiresAt !== inputs.expiresAt;
  const progress: Progress = { record: live, fullUpdateApplied: false };
  let record: ApiKeyRecord;
  try {
    record = await converge(
      s,
      live,
      inputs,
      {
        remainingQuota: remain,
        quotaIsExplicit: quotaChanged && !inputs.unlimitedQuota,
        attemptingRevival,
      },
      progress,
    );
  } catch (error) {
    if (progress.record === live) throw error;
    // Something was written: record what is applied, so the next run neither repeats nor loses it.
    throw initFailure(error, "update", appliedInputs(old, inputs, progress), progress.record, s, old.key);
  }
  let key = typeof old.key === "string" ? old.key : undefined;
  if (key === undefined) {
    try {
      key = await keyValueOf(s, record);
    } catch (error) {
      throw initFailure(error, "update", inputs, record, s);
    }
  }
  const outs = outputsOf(inputs, record, key, s.settings.baseUrl, s.client.serverNow(), old);
  const retired = await settleRetiredKeys(s, record.id, olds.retiredKeys, graceOf(inputs));
  if (retired.length > 0) outs.retiredKeys = retired;
  return { outs };
}
