/** `keyStatusOf`: the reported status from the wire status, expiry and quota. */
import { describe, expect, it } from "vitest";
import { hasExpired, keyStatusOf } from "../../provider/key/status";
import { absentKeyFields } from "../../provider/model/fieldRules";
import { type ApiKeyRecord, WireKeyStatus } from "../../provider/service/client";

const NOW = 1_800_000_000;

function record(patch: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: 1,
    key: "abcd**********wxyz",
    status: WireKeyStatus.enabled,
    name: "k",
    createdAt: NOW - 100,
    accessedAt: NOW - 100,
    expiresAt: -1,
    remainingQuota: 1000,
    unlimitedQuota: false,
    ...absentKeyFields(),
    usedQuota: 0,
    ...patch,
  };
}

describe("keyStatusOf", () => {
  it("wire 1, never expires, quota left → enabled", () => {
    expect(keyStatusOf(record(), NOW)).toBe("enabled");
  });

  it("wire 1, expiry in the future → enabled", () => {
    expect(keyStatusOf(record({ expiresAt: NOW + 1 }), NOW)).toBe("enabled");
  });

  it("wire 1 with a past expiry → expired (the server flips only lazily)", () => {
    expect(keyStatusOf(record({ expiresAt: NOW - 1 }), NOW)).toBe("expired");
  });

  it("wire 1 expiring exactly now → expired", () => {
    expect(keyStatusOf(record({ expiresAt: NOW }), NOW)).toBe("expired");
  });

  it.each([0, -500])("wire 1, limited, remain %i → exhausted", (remainingQuota) => {
    expect(keyStatusOf(record({ remainingQuota }), NOW)).toBe("exhausted");
  });

  it("wire 1, unlimited, remain negative (usage is charged anyway) → enabled", () => {
    expect(keyStatusOf(record({ unlimitedQuota: true, remainingQuota: -5000 }), NOW)).toBe("enabled");
  });

  it("wire 1, past expiry and no quota → expired wins", () => {
    expect(keyStatusOf(record({ expiresAt: NOW - 10, remainingQuota: 0 }), NOW)).toBe("expired");
  });

  it("wire 2 → disabled, whatever the expiry and quota", () => {
    expect(keyStatusOf(record({ status: 2 }), NOW)).toBe("disabled");
    expect(keyStatusOf(record({ status: 2, expiresAt: NOW - 10, remainingQuota: 0 }), NOW)).toBe("disabled");
  });

  it("wire 3 → expired, even with a future expiry (after an expiry fix, before re-enabling)", () => {
    expect(keyStatusOf(record({ status: 3, expiresAt: NOW + 3600 }), NOW)).toBe("expired");
  });

  it("wire 4 → exhausted, even with quota left", () => {
    expect(keyStatusOf(record({ status: 4, remainingQuota: 10 }), NOW)).toBe("exhausted");
  });

  // Status-only updates accept any integer, and a [docs]-style full update without `status`
  // leaves 0; the service serves only status 1, so anything else reads as disabled.
  it("a wire status outside 1–4 (e.g. 0) is reported as disabled", () => {
    expect(keyStatusOf(record({ status: 0 }), NOW)).toBe("disabled");
    expect(keyStatusOf(record({ status: 7 }), NOW)).toBe("disabled");
  });
});

describe("hasExpired", () => {
  it("-1 never expires", () => {
    expect(hasExpired(-1, NOW)).toBe(false);
  });
  it("the expiry instant itself counts as expired", () => {
    expect(hasExpired(NOW, NOW)).toBe(true);
    expect(hasExpired(NOW + 1, NOW)).toBe(false);
  });
  it("0 (what a full update without expired_time leaves) is long expired", () => {
    expect(hasExpired(0, NOW)).toBe(true);
  });
});
