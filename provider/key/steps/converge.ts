/**
 * Bringing an existing key to the declared inputs (update and adopt): the status changes and the
 * full update in the order the service requires, the full update reconciled when its outcome is
 * unknown, and usage that landed meanwhile taken off again so nothing is refunded.
 */
import { OutcomeUnknownError, UnsatisfiableChangeError } from "../../errors/index.js";
import { assertFieldsHeld } from "../../model/fieldRules.js";
import { type ApiKeyFields, type ApiKeyRecord, WireKeyStatus } from "../../service/client.js";
import { toIso } from "../../shared/timestamp.js";

import type { CometApiKeyInputs } from "../inputs.js";
import { fieldsOf, limitedRemain, type Progress, sameFields } from "../recordMapping.js";
import type { Session } from "../session.js";
import { hasExpired } from "../status.js";

/** Full updates sent again at most this often to correct for usage that landed meanwhile. */
const MAX_USAGE_CORRECTIONS = 5;

/**
 * Brings key `live` to the declared inputs, in the order the service requires, and returns the
 * final record. `remainingQuota` is what a full update sends; unless `quotaIsExplicit`, a
 * difference in it alone never triggers one. `attemptingRevival`: the change touches what
 * decides whether an expired or exhausted key can work again (expiry, quota, enabled).
 */
export async function converge(
  s: Session,
  live: ApiKeyRecord,
  inputs: CometApiKeyInputs,
  plan: { remainingQuota: number; quotaIsExplicit: boolean; attemptingRevival: boolean },
  progress: Progress = { record: live, fullUpdateApplied: false },
): Promise<ApiKeyRecord> {
  const { remainingQuota, quotaIsExplicit, attemptingRevival } = plan;
  const id = live.id;
  const fields = fieldsOf(inputs, remainingQuota);
  const now = s.client.serverNow();
  const stuck = live.status === WireKeyStatus.expired || live.status === WireKeyStatus.exhausted;
  const revivable =
    !hasExpired(fields.expiresAt, now) && (fields.unlimitedQuota || fields.remainingQuota > 0);
  if (inputs.enabled && stuck && attemptingRevival && !revivable) {
    throw new UnsatisfiableChangeError(revivalAdvice(live, fields, now), `update key ${id}`);
  }
  let record = live;
  if (!inputs.enabled && record.status === WireKeyStatus.enabled) {
    record = (await s.client.setKeyStatus(id, WireKeyStatus.disabled)) ?? {
      ...record,
      status: WireKeyStatus.disabled,
    };
    progress.record = record;
  }
  if (!sameFields(record, fields, quotaIsExplicit)) {
    record = await fullUpdate(s, record, fields, inputs, quotaIsExplicit, live.usedQuota);
    progress.record = record;
    progress.fullUpdateApplied = true;
    assertFieldsHeld(inputs, record, `update key ${id}`);
  }
  // Enable whatever is not enabled (2, or a stray 0), except an expired/exhausted key that
  // cannot work yet: that stays the server's fact.
  const wantEnabled = inputs.enabled && (!stuck || revivable);
  if (wantEnabled && record.status !== WireKeyStatus.enabled) {
    progress.enablePending = true;
    record = (await s.client.setKeyStatus(id, WireKeyStatus.enabled)) ?? {
      ...record,
      status: WireKeyStatus.enabled,
    };
    progress.record = record;
    progress.enablePending = false;
  }
  s.snapshot.remember(record);
  return record;
}

/**
 * The full update, reconciled when its outcome is unknown: read back; when it did not take
 * effect, send it again with the live quota read just now (so usage in between is kept).
 * `basisUsedQuota` is the used quota of the read the sent remaining quota came from.
 */
async function fullUpdate(
  s: Session,
  before: ApiKeyRecord,
  fields: ApiKeyFields,
  inputs: CometApiKeyInputs,
  quotaIsExplicit: boolean,
  basisUsedQuota: number,
): Promise<ApiKeyRecord> {
  let current = before;
  let basis = basisUsedQuota;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const applied = await s.client.updateKey(current.id, fields, current.status);
      return quotaIsExplicit ? applied : await keepUsage(s, applied, fields, basis);
    } catch (error) {
      if (!(error instanceof OutcomeUnknownError) || attempt >= 3) throw error;
      const after = await s.client.getKey(current.id);
      // Usage charged since `current` was read is added back before comparing quotas.
      const remainAsSent = after.remainingQuota + after.usedQuota - basis;
      if (sameFields({ ...after, remainingQuota: remainAsSent }, fields, quotaIsExplicit)) {
        return quotaIsExplicit ? after : await keepUsage(s, after, fields, basis);
      }
      current = after;
      basis = after.usedQuota;
      if (!quotaIsExplicit) fields = fieldsOf(inputs, limitedRemain(after));
    }
  }
}

/**
 * A full update overwrote the remaining quota with `sent.remainingQuota`, read when the key had
 * used `basisUsedQuota`. Usage charged between that read and the update shows in the answer's
 * `usedQuota`; it is taken off again (repeatedly, while more lands), so nothing is refunded.
 */
export async function keepUsage(
  s: Session,
  applied: ApiKeyRecord,
  sent: ApiKeyFields,
  basisUsedQuota: number,
): Promise<ApiKeyRecord> {
  let record = applied;
  let fields = sent;
  let basis = basisUsedQuota;
  for (let i = 0; i < MAX_USAGE_CORRECTIONS; i += 1) {
    const landed = record.usedQuota - basis;
    if (landed <= 0) break;
    const remain = fields.remainingQuota - landed;
    fields = { ...fields, remainingQuota: fields.unlimitedQuota ? remain : Math.max(0, remain) };
    basis = record.usedQuota;
    record = await s.client.updateKey(record.id, fields, record.status);
  }
  return record;
}

function revivalAdvice(live: ApiKeyRecord, fields: ApiKeyFields, now: number): string {
  if (hasExpired(fields.expiresAt, now)) {
    return (
      `key ${live.id} is expired and cannot be re-enabled while expiresAt (${toIso(fields.expiresAt)}) is in the past: ` +
      "set expiresAt to a future time or remove it (never expires), or set enabled: false"
    );
  }
  return (
    `key ${live.id} is exhausted (remaining quota ${live.remainingQuota}) and cannot be re-enabled without quota: ` +
    "raise quota (a changed quota sets a new allotment) or set unlimitedQuota: true, or set enabled: false"
  );
}
