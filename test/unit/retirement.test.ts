import { describe, expect, it } from "vitest";
import { checkInputs } from "../../provider/key/inputs";
import {
  graceOf,
  retiredFor,
  retiredKeysOf,
  retiredName,
  retirementEnd,
  sameRetiredKeys,
} from "../../provider/key/retirement";
import { absentKeyFields } from "../../provider/model/fieldRules";
import type { ApiKeyRecord } from "../../provider/service/client";

const HOUR = 3_600;
const NOW = 1_800_000_000;

function record(id: number, name: string, expiresAt: number, userId = 7): ApiKeyRecord {
  return {
    id,
    userId,
    name,
    key: "abcd**********wxyz",
    status: 1,
    expiresAt,
    remainingQuota: 0,
    unlimitedQuota: false,
    ...absentKeyFields(),
    usedQuota: 0,
    createdAt: NOW - HOUR,
    accessedAt: 0,
  };
}

describe("retirement schedule", () => {
  it("ends the grace at now + retireAfter, never after the key's own expiry", () => {
    expect(retirementEnd(NOW, 24 * HOUR, -1)).toBe(NOW + 24 * HOUR);
    expect(retirementEnd(NOW, 24 * HOUR, NOW + 48 * HOUR)).toBe(NOW + 24 * HOUR);
    expect(retirementEnd(NOW, 24 * HOUR, NOW + 2 * HOUR)).toBe(NOW + 2 * HOUR);
  });

  it("marks a retired key's name with its successor, within 50 characters, re-marked on hand-over", () => {
    expect(retiredName("api-3f9a2c1", 57)).toBe("api-3f9a2c1~r57");
    expect(retiredName("api-3f9a2c1~r57", 80)).toBe("api-3f9a2c1~r80");
    const long = retiredName("x".repeat(50), 123456);
    expect(long).toHaveLength(50);
    expect(retiredFor(long)).toBe(123456);
    expect(retiredFor("api-3f9a2c1")).toBeUndefined();
  });

  it("finds the caller's keys retired for a successor: living ones listed, ones past their grace to delete", () => {
    const records = [
      record(10, "api~r50", NOW + HOUR),
      record(11, "api~r50", NOW), // grace over exactly now
      record(12, "api~r51", NOW + HOUR), // another successor's
      record(13, "api~r50", NOW + HOUR, 8), // another user's: never ours to list or delete
      record(50, "api", -1),
    ];
    const { living, over } = retiredKeysOf(records, 50, 7, NOW);
    expect(living).toEqual([{ keyId: 10, retiresAt: "2027-01-15T09:00:00Z" }]);
    expect(over.map((r) => r.id)).toEqual([11]);
    expect(sameRetiredKeys(living, living)).toBe(true);
    expect(sameRetiredKeys(undefined, [])).toBe(true);
    expect(sameRetiredKeys(undefined, living)).toBe(false);
  });

  it("checks retireAfter: a duration of at least 1m, named in the failure", () => {
    const check = (retireAfter: string) => checkInputs({}, { name: "k", quota: 1, retireAfter }, 0);
    const { inputs: out, failures: none } = check(" 24h ");
    expect(none).toEqual([]);
    expect(out.retireAfter).toBe("24h");
    expect(graceOf(out)).toBe(24 * HOUR);
    const failures = [check("59s"), check("soon")].flatMap((c) =>
      c.failures.map((f) => `${f.property}: ${f.reason}`),
    );
    expect(failures).toEqual([
      'retireAfter: "59s" is shorter than 1m, the shortest grace period',
      expect.stringContaining('retireAfter: "soon" is not a duration'),
    ]);
    expect(graceOf({})).toBeUndefined();
  });
});
