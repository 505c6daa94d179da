/**
 * `KeyStatus`: what the resource reports, mapped from the wire status and the expiry.
 *
 * `enabled`/`disabled` are the user's wish; `expired`/`exhausted` are the server's facts. The
 * server flips a key to 3 or 4 only lazily (when the key is used), so a key whose expiry has
 * passed can still read status 1: the expiry decides too.
 */
import { type ApiKeyRecord, WireKeyStatus } from "../service/client.js";

export type KeyStatus = "enabled" | "disabled" | "expired" | "exhausted";

/** The status to report for a record, given the server's clock (unix seconds). */
export function keyStatusOf(record: ApiKeyRecord, serverNow: number): KeyStatus {
  switch (record.status) {
    case WireKeyStatus.enabled:
      if (hasExpired(record.expiresAt, serverNow)) return "expired";
      if (!record.unlimitedQuota && record.remainingQuota <= 0) return "exhausted";
      return "enabled";
    case WireKeyStatus.expired:
      return "expired";
    case WireKeyStatus.exhausted:
      return "exhausted";
    default:
      // 2, and any other value a status-only update or a status-applying full update without
      // `status` (0) can leave: the service serves only status 1.
      return "disabled";
  }
}

/** True when `expiresAt` (unix seconds, -1 = never) is not in the future. */
export function hasExpired(expiresAt: number, now: number): boolean {
  return expiresAt !== -1 && expiresAt <= now;
}
