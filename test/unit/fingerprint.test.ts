/**
 * `fingerprintOfFields` / `fingerprintOfRecord`: how id resolution recognises the key a create
 * made in a listing. Equal when the server stored what was sent; different otherwise.
 */
import { describe, expect, it } from "vitest";
import { fingerprintOfFields, fingerprintOfRecord } from "../../provider/key/createdKeyResolver";
import { type ApiKeyFields, type ApiKeyRecord, fromWire, toWire } from "../../provider/service/client";

const fields: ApiKeyFields = {
  name: "svc-1234567",
  expiresAt: 1_900_000_000,
  remainingQuota: 500_000,
  unlimitedQuota: false,
  models: ["gpt-4o", "claude-3-5-sonnet"],
  allowIps: ["1.2.3.4", "10.0.0.0/8"],
  group: "vip",
  crossGroupRetry: false,
  autoGroups: [],
};

/** What the server stores for `f` (as a listing reports it), with optional drift. */
function recordFor(f: ApiKeyFields, patch: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    ...f,
    id: 17,
    key: "abcd**********wxyz",
    status: 1,
    usedQuota: 0,
    createdAt: 1_800_000_000,
    accessedAt: 1_800_000_000,
    ...patch,
  };
}

describe("fingerprints", () => {
  it("a record of exactly what was sent matches", () => {
    expect(fingerprintOfRecord(recordFor(fields))).toBe(fingerprintOfFields(fields));
  });

  it("matches after a wire round trip (comma/newline joined lists)", () => {
    const wire = {
      ...toWire(fields),
      id: 17,
      key: "abcd**********wxyz",
      status: 1,
      used_quota: 0,
      created_time: 1,
      accessed_time: 1,
    };
    expect(fingerprintOfRecord(fromWire(wire))).toBe(fingerprintOfFields(fields));
  });

  it("ignores the order of models and IPs, and the /32 spelling", () => {
    const record = recordFor(fields, {
      models: ["claude-3-5-sonnet", "gpt-4o"],
      allowIps: ["10.0.0.0/8", "1.2.3.4/32"],
    });
    expect(fingerprintOfRecord(record)).toBe(fingerprintOfFields(fields));
  });

  it("adds usage since the create back to the quota", () => {
    const record = recordFor(fields, { remainingQuota: 499_000, usedQuota: 1000 });
    expect(fingerprintOfRecord(record)).toBe(fingerprintOfFields(fields));
  });

  it("ignores the quota of unlimited keys", () => {
    const unlimited = { ...fields, unlimitedQuota: true, remainingQuota: 0 };
    expect(fingerprintOfRecord(recordFor(unlimited, { remainingQuota: -3000, usedQuota: 1000 }))).toBe(
      fingerprintOfFields(unlimited),
    );
  });

  it("treats expired_time 0 (what create turns into -1) as never", () => {
    const never = { ...fields, expiresAt: -1 };
    expect(fingerprintOfFields({ ...fields, expiresAt: 0 })).toBe(fingerprintOfFields(never));
    expect(fingerprintOfRecord(recordFor(never))).toBe(fingerprintOfFields({ ...fields, expiresAt: 0 }));
  });

  it("treats model limits that are switched off as no limits", () => {
    const open = { ...fields, models: [] };
    const wire = {
      ...toWire(fields),
      model_limits_enabled: false,
      id: 17,
      key: "abcd**********wxyz",
      status: 1,
      used_quota: 0,
      created_time: 1,
      accessed_time: 1,
    };
    expect(fingerprintOfRecord(fromWire(wire))).toBe(fingerprintOfFields(open));
  });

  it.each<[string, Partial<ApiKeyRecord>]>([
    ["name", { name: "svc-7654321" }],
    ["expiry", { expiresAt: 1_900_000_001 }],
    ["quota", { remainingQuota: 400_000 }],
    ["unlimited", { unlimitedQuota: true }],
    ["models", { models: ["gpt-4o"] }],
    ["IPs", { allowIps: ["1.2.3.4"] }],
    ["IP prefix", { allowIps: ["1.2.3.4", "10.0.0.0/16"] }],
    ["group", { group: "" }],
    ["crossGroupRetry", { crossGroupRetry: true }],
    ["autoGroups", { autoGroups: ["vip"] }],
  ])("a record that differs in %s does not match", (_t, patch) => {
    expect(fingerprintOfRecord(recordFor(fields, patch))).not.toBe(fingerprintOfFields(fields));
  });
});
