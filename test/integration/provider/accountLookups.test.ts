/**
 * `getModels`, `getGroups` and `getAccount` for dynamic-provider users (from the SDK) against the
 * emulator, connected through the COMETAPI_* environment: one GET each, never a secret.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../../emulator/index";
import { LookupArgumentError } from "../../../provider/errors";
import { getAccount, getGroups, getModels } from "../../../sdk/accountLookups";
import { apiRequests } from "../../support/providerHarness";

let emu: RunningEmulator;
const saved = { ...process.env };

beforeAll(async () => {
  emu = await startEmulator({ groups: ["default", "vip=2"], models: ["gpt-4o", "o1@vip"], userGroup: "vip" });
  process.env.COMETAPI_ACCESS_TOKEN = emu.accessToken;
  process.env.COMETAPI_BASE_URL = emu.url;
  process.env.COMETAPI_USER_ID = String(emu.userId);
});

afterAll(async () => {
  process.env = saved;
  await emu?.close();
});

describe("getModels / getGroups / getAccount", () => {
  it("answer what the account may use and its balance, one GET each", async () => {
    const key = await emu.control.createKeyDirect(emu.userId, { name: "used", remain_quota: 9_000 });
    await emu.control.chargeKey(key.id, 2_000);
    await emu.control.resetCounts();

    expect(await getModels()).toEqual({ models: ["gpt-4o", "o1"] });
    expect(await getModels({ group: "default" })).toEqual({ models: ["gpt-4o"] });
    expect(await getModels({ group: "nope" })).toEqual({ models: [] });
    expect(await getGroups()).toEqual({
      groups: [
        { name: "default", ratio: 1, description: "default group" },
        { name: "vip", ratio: 2, description: "vip group" },
      ],
    });
    const account = await getAccount();
    expect(account).toEqual({
      userId: emu.userId,
      group: "vip",
      quota: 50_000_000 - 2_000,
      usedQuota: 2_000,
      requestCount: 2,
    });
    expect(JSON.stringify(account)).not.toContain(emu.accessToken);
    expect(await apiRequests(emu)).toEqual({
      "GET /api/user/models": 3,
      "GET /api/user/self/groups": 1,
      "GET /api/user/self": 1,
    });
  });

  it("refuses an empty group, naming the argument", async () => {
    await expect(getModels({ group: " " })).rejects.toThrow(LookupArgumentError);
    await expect(getModels({ group: " " })).rejects.toThrow(/^group must be a non-empty group name/);
  });
});
