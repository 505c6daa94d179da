/**
 * The key model's mappings (pure functions, no I/O): declared inputs to the wire fields a create
 * or full update sends, a live record back to inputs (after a refresh, or what a partly applied
 * update reached), and a record to the resource's outputs, its key value masked as the service
 * masks it.
 */

import type { KeyOutputValues, KeyReportedValues } from "../model/description.js";
import { inWrittenOrder, normalKeyFields, pickKeyFields } from "../model/fieldRules.js";
import { COMPARED_NAMES, KEPT_ON_REFRESH_NAMES, sameInputValue } from "../model/propertyRules.js";
import { type ApiKeyFields, type ApiKeyRecord, WireKeyStatus } from "../service/client.js";
import { parseExpiry, toIso } from "../shared/timestamp.js";
import type { CometApiKeyInputs } from "./inputs.js";
import { type KeyStatus, keyStatusOf } from "./status.js";

/** What the resource exposes: the normalised inputs plus what the service reports (typed from the description), and the provider's bookkeeping. */
export type CometApiKeyOutputs = CometApiKeyInputs &
  Omit<KeyOutputValues, "status"> & {
    status: KeyStatus;
    /** The id of the user who owns the key (the record's `user_id`), when the service says. */
    userId?: number;
    /** The service the key was last seen on (the configured base URL). */
    baseUrl?: string;
    /**
     * `remainingQuota + usedQuota` of the record right after the provider last wrote the key. Usage moves quota
     * from remain to used and leaves the sum as it was, so a live sum that differs means a write
     * the state never recorded (an update whose run was stopped, or a console edit). Refresh keeps it.
     */
    __allottedTotal?: number;
  };

/** The wire fields for declared inputs. */
export function fieldsOf(inputs: CometApiKeyInputs, remainingQuota: number): ApiKeyFields {
  const expires = inputs.expiresAt === undefined ? -1 : parseExpiry(inputs.expiresAt);
  return {
    name: inputs.name,
    expiresAt: typeof expires === "number" ? expires : -1,
    remainingQuota,
    unlimitedQuota: inputs.unlimitedQuota,
    ...pickKeyFields(inputs),
  };
}

/** The fields a create sends: the declared inputs, the allotment as the remaining quota. */
export function createFields(inputs: CometApiKeyInputs): ApiKeyFields {
  return fieldsOf(inputs, inputs.unlimitedQuota ? 0 : (inputs.quota ?? 0));
}

/** The live remaining quota, as a full update may send it (the service refuses negative values on limited keys). */
export function limitedRemain(record: ApiKeyRecord): number {
  return record.unlimitedQuota ? record.remainingQuota : Math.max(0, record.remainingQuota);
}

/** The inputs a key's stored fields hold, in normal form (`quota` and `enabled` are the lifecycle's: an allotment, a status). */
export function storedInputs(fields: ApiKeyFields): Omit<CometApiKeyInputs, "enabled"> {
  return {
    name: fields.name,
    // -1 = never; 0 (what a full update without an expiry leaves) is the epoch: already expired.
    ...(fields.expiresAt === -1 ? {} : { expiresAt: toIso(Math.max(0, fields.expiresAt)) }),
    unlimitedQuota: fields.unlimitedQuota,
    ...normalKeyFields(fields),
  };
}

/** The configurable fields of a live record, in input form (quota and wishes left to the caller). */
export function recordInputs(record: ApiKeyRecord): CometApiKeyInputs {
  return { ...storedInputs(record), enabled: record.status === WireKeyStatus.enabled };
}

/**
 * Whether two field sets are the same on the server: each stored input by its comparison (the
 * description's), and `remainingQuota` only when `compareQuota` and the key is limited.
 */
export function sameFields(a: ApiKeyFields, b: ApiKeyFields, compareQuota: boolean): boolean {
  const left: Partial<CometApiKeyInputs> = storedInputs(a);
  const right: Partial<CometApiKeyInputs> = storedInputs(b);
  return (
    COMPARED_NAMES.every((p) => sameInputValue(p, left[p], right[p])) &&
    (!compareQuota || a.unlimitedQuota || a.remainingQuota === b.remainingQuota)
  );
}

/** Inputs after a refresh: live values for what can drift, the program's wishes (the allotment, the schedule, …) kept. */
export function refreshedInputs(old: Partial<CometApiKeyOutputs>, record: ApiKeyRecord): CometApiKeyInputs {
  const live = recordInputs(record);
  const stuck = record.status === WireKeyStatus.expired || record.status === WireKeyStatus.exhausted;
  const kept: Partial<CometApiKeyInputs> = {};
  for (const name of [...KEPT_ON_REFRESH_NAMES, ...BOOKKEEPING]) {
    if (old[name] !== undefined) Object.assign(kept, { [name]: old[name] });
  }
  // An unlimited key has no allotment.
  if (record.unlimitedQuota) delete kept.quota;
  return {
    ...live,
    // The same set as before keeps the order the program wrote it in.
    ...inWrittenOrder(old, live),
    ...kept,
    enabled: stuck ? (old.enabled ?? true) : live.enabled,
  };
}

/** The provider's own inputs, kept as they are. */
const BOOKKEEPING = ["__logicalName", "__autoName", "__namedByPattern"] as const;

/** What converge has written so far: the latest record, and whether the full update went through. */
export interface Progress {
  record: ApiKeyRecord;
  fullUpdateApplied: boolean;
  /** The key was to be enabled (from any status but 1) and that step has not succeeded yet. */
  enablePending?: boolean;
}

/** The inputs a partly applied update reached: the new ones if its full update went through, the
 * old ones otherwise, and `enabled` as the key's status now is (an expired or exhausted key whose
 * enable step did not happen counts as not enabled, so the next run enables it). */
export function appliedInputs(
  old: Partial<CometApiKeyOutputs>,
  inputs: CometApiKeyInputs,
  progress: Progress,
): CometApiKeyInputs {
  const base: CometApiKeyInputs = { ...inputs };
  if (!progress.fullUpdateApplied) {
    for (const name of COMPARED_NAMES) Object.assign(base, { [name]: old[name] });
  }
  const status = progress.record.status;
  const enabled =
    status === WireKeyStatus.enabled
      ? true
      : status === WireKeyStatus.disabled || status === 0
        ? false
        : progress.enablePending
          ? false
          : base.enabled;
  return { ...base, enabled };
}

/** What the service reports of a key, as the resource's outputs say it (its value aside), at the server's time `serverNow`. */
export function reportedOutputs(
  record: ApiKeyRecord,
  serverNow: number,
): Omit<KeyReportedValues, "status"> & { status: KeyStatus } {
  return {
    keyId: record.id,
    maskedKey: `sk-${maskKey(record.key)}`,
    status: keyStatusOf(record, serverNow),
    remainingQuota: record.remainingQuota,
    usedQuota: record.usedQuota,
    createdAt: toIso(record.createdAt),
    accessedAt: toIso(record.accessedAt),
  };
}

/** The resource's outputs: `inputs` normalised, and `record` as seen on `baseUrl` at the server's time `serverNow`. */
export function outputsOf(
  inputs: CometApiKeyInputs,
  record: ApiKeyRecord,
  key: string | undefined,
  baseUrl: string,
  serverNow: number,
  old: Partial<CometApiKeyOutputs> = {},
): Record<string, unknown> {
  const outputs: CometApiKeyOutputs = {
    ...inputs,
    ...reportedOutputs(record, serverNow),
    userId: record.userId ?? old.userId,
    baseUrl,
    key,
    __allottedTotal: record.remainingQuota + record.usedQuota,
  };
  return definedOnly(outputs);
}

/**
 * Whether a quota change to `quota` already reached the key without the state recording it (its
 * run stopped between the server applying it and the engine saving the answer): the live sum
 * moved away from the recorded one, and `quota` fits it as `remain + used` from some point since
 * (`used` then between 0 and now). Sending `quota` again would give back the usage charged since.
 */
export function unrecordedQuotaChange(
  old: Partial<CometApiKeyOutputs>,
  live: ApiKeyRecord,
  quota: number,
): boolean {
  const recorded = old.__allottedTotal ?? (old.remainingQuota ?? 0) + (old.usedQuota ?? 0);
  const liveTotal = live.remainingQuota + live.usedQuota;
  if (live.unlimitedQuota || liveTotal === recorded) return false;
  const usedWhenApplied = liveTotal - quota;
  return usedWhenApplied >= 0 && usedWhenApplied <= live.usedQuota;
}

/** Whether a key value as the service sent it is masked (holds `*`), so the full value needs a reveal. */
export function isMasked(key: string): boolean {
  return key.includes("*");
}

/** The service's mask: first 4 + 10 stars + last 4 (keys of 8 or fewer: 2 + 4 stars + 2). */
export function maskKey(key: string): string {
  if (key.includes("*")) return key;
  if (key.length <= 8) return `${key.slice(0, 2)}****${key.slice(-2)}`;
  return `${key.slice(0, 4)}**********${key.slice(-4)}`;
}

/** Drops undefined values: the engine's protobuf Struct cannot carry them. */
export function definedOnly<T extends object>(value: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
