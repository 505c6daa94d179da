/**
 * The lookups for dynamic-provider users (`getApiKey`, `getApiKeys` from the SDK) against the
 * emulator, connected through the COMETAPI_* environment: masked values only, no reveal, one
 * listing request per page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../../emulator/index";
import { getApiKey, getApiKeys } from "../../../sdk/apiKeyLookups";

let emu: RunningEmulator;
const saved = { ...process.env };

beforeAll(async () => {
  emu = await startEmulator();
  process.env.COMETAPI_ACCESS_TOKEN = emu.accessToken;
  process.env.COMETAPI_BASE_URL = emu.url;
  process.env.COMETAPI_USER_ID = String(emu.userId);
});

afterAll(async () => {
  process.env = saved;
  await emu?.close();
});

describe("getApiKey / getApiKeys", () => {
  it("find keys by exact name and by prefix across pages, masked, without a reveal", async () => {
    for (let i = 0; i < 130; i += 1) {
      await emu.control.createKeyDirect(emu.userId, {
        name: i % 2 ? `team-a-${i}` : `team-b-${i}`,
        remain_quota: i,
      });
    }
    const exact = await emu.control.createKeyDirect(emu.userId, { name: "team-a", remain_quota: 5 });
    await emu.control.resetCounts();

    const prefixed = await getApiKeys({ namePrefix: "team-a" });
    expect(prefixed.keys).toHaveLength(66);
    expect(prefixed.keys[0]?.keyId).toBe(exact.id); // newest first
    const counts = await emu.control.requestCounts();
    const routes = Object.keys(counts);
    expect(
      routes.every((r) => r.startsWith("GET /api/token/")),
      routes.join(", "),
    ).toBe(true);
    expect(Object.values(counts).reduce((n, c) => n + c.total, 0)).toBe(2); // 131 keys = 2 pages

    const named = await getApiKeys({ name: "team-a" });
    expect(named.keys.map((k) => k.keyId)).toEqual([exact.id]);
    const one = await getApiKey({ keyId: exact.id });
    expect(one).toMatchObject({
      name: "team-a",
      remainingQuota: 5,
      status: "enabled",
      unlimitedQuota: false,
    });
    expect(one.maskedKey).toMatch(/^sk-.{4}\*{10}.{4}$/);
    expect(JSON.stringify([prefixed, one])).not.toContain(exact.key);
  });

  it("fail naming the argument or the missing id", async () => {
    await expect(getApiKeys({})).rejects.toThrow(/^name or namePrefix is required/);
    await expect(getApiKeys({ name: "a", namePrefix: "b" })).rejects.toThrow(/only one of the two/);
    await expect(getApiKey({ keyId: 0 })).rejects.toThrow(/keyId must be the positive whole-number id/);
    await expect(getApiKey({ keyId: 99_999 })).rejects.toThrow(/getApiKey: no key with id 99999 is visible/);
  });
});
