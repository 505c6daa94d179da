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
      if (hasExpired(record.expiredTime, serverNow)) return "expired";
      if (!record.unlimitedQuota && record.remainQuota <= 0) return "exhausted";
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

/** True when `expiredTime` (unix seconds, -1 = never) is not in the future. */
export function hasExpired(expiredTime: number, now: number): boolean {
  return expiredTime !== -1 && expiredTime <= now;
}
