import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../../emulator/index";
import { api, chat, createKey, start } from "./helpers";

let emu: RunningEmulator;
const NOW = 1_750_000_000;

beforeAll(async () => {
  emu = await start({ clock: NOW });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  await emu.control.reset();
});

describe("switches", () => {
  it("maskKeys=false: full key in list/get/search and both reveal routes 404", async () => {
    await emu.control.setSwitches({ maskKeys: false });
    const rec = await createKey(emu, { name: "full" });
    expect((await api(emu, "GET", "/api/token/")).json.data.items[0].key).toBe(rec.key);
    expect((await api(emu, "GET", `/api/token/${rec.id}`)).json.data.key).toBe(rec.key);
    expect((await api(emu, "GET", "/api/token/search?keyword=full")).json.data.items[0].key).toBe(rec.key);
    expect((await api(emu, "POST", `/api/token/${rec.id}/key`)).status).toBe(404);
    expect((await api(emu, "POST", "/api/token/batch/keys", { body: { ids: [rec.id] } })).status).toBe(404);
  });

  it("nameLimit=chars: 17 CJK characters accepted, 51 characters refused", async () => {
    await emu.control.setSwitches({ nameLimit: "chars" });
    expect((await api(emu, "POST", "/api/token/", { body: { name: "密".repeat(17) } })).json.success).toBe(
      true,
    );
    expect((await api(emu, "POST", "/api/token/", { body: { name: "密".repeat(50) } })).json.success).toBe(
      true,
    );
    expect((await api(emu, "POST", "/api/token/", { body: { name: "密".repeat(51) } })).json.success).toBe(
      false,
    );
  });

  it("fullUpdateAppliesStatus=true: a full PUT sets status, an omitted one becomes 0; the guard still applies", async () => {
    await emu.control.setSwitches({ fullUpdateAppliesStatus: true });
    const rec = await createKey(emu, { remain_quota: 10 });
    const r = await api(emu, "PUT", "/api/token/", {
      body: { id: rec.id, name: "k", remain_quota: 10, status: 2 },
    });
    expect(r.json.data.status).toBe(2);
    const r2 = await api(emu, "PUT", "/api/token/", { body: { id: rec.id, name: "k", remain_quota: 10 } });
    expect(r2.json.data.status).toBe(0);
    await emu.control.editKey(rec.id, { status: 4, remain_quota: 0 });
    const r3 = await api(emu, "PUT", "/api/token/", {
      body: { id: rec.id, name: "k", remain_quota: 0, status: 1 },
    });
    expect(r3.json.success).toBe(false);
  });

  it("groupCheck: a group outside the list is refused on create and update, allowed ones pass", async () => {
    const before = await api(emu, "POST", "/api/token/", { body: { name: "g", group: "secret" } });
    expect(before.json.success).toBe(true);
    await emu.control.setSwitches({ groupCheck: true, groups: ["default", "vip"] });
    const refused = await api(emu, "POST", "/api/token/", { body: { name: "g", group: "secret" } });
    expect(refused.json).toEqual({ success: false, message: "no access to group" });
    expect((await api(emu, "POST", "/api/token/", { body: { name: "g", group: "vip" } })).json.success).toBe(
      true,
    );
    expect((await api(emu, "POST", "/api/token/", { body: { name: "g", group: "" } })).json.success).toBe(
      true,
    );
    const rec = (await emu.control.keys())[1]!;
    const upd = await api(emu, "PUT", "/api/token/", { body: { id: rec.id, name: "g", group: "secret" } });
    expect(upd.json).toEqual({ success: false, message: "no access to group" });
  });

  it("statusFlips=never: model calls refuse an expired key but never write status 3", async () => {
    const rec = await createKey(emu, { expired_time: NOW + 5, remain_quota: 10_000 });
    await emu.control.advanceClock(10);
    await emu.control.setSwitches({ statusFlips: "never" });
    expect((await chat(emu, rec.key)).status).toBe(401);
    expect((await emu.control.keys())[0]?.status).toBe(1);
    await emu.control.setSwitches({ statusFlips: "lazy" });
    expect((await chat(emu, rec.key)).status).toBe(401);
    expect((await emu.control.keys())[0]?.status).toBe(3);
  });

  it("quotaPerUnit moves the quota maximum", async () => {
    await emu.control.setSwitches({ quotaPerUnit: 1 });
    expect(
      (await api(emu, "POST", "/api/token/", { body: { name: "q", remain_quota: 1e9 + 1 } })).json.success,
    ).toBe(false);
    expect(
      (await api(emu, "POST", "/api/token/", { body: { name: "q", remain_quota: 1e9 } })).json.success,
    ).toBe(true);
  });

  it("chargePerRequest sets what each model call costs", async () => {
    await emu.control.setSwitches({ chargePerRequest: 7 });
    const rec = await createKey(emu, { remain_quota: 100 });
    await chat(emu, rec.key);
    expect((await emu.control.keys())[0]).toMatchObject({ remain_quota: 93, used_quota: 7 });
  });

  it("latencyMs delays /api answers", async () => {
    await emu.control.setSwitches({ latencyMs: 150 });
    const t0 = performance.now();
    await api(emu, "GET", "/api/token/");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it("invalid switch values and unknown switches are refused", async () => {
    await expect(emu.control.setSwitches({ nameLimit: "words" as "bytes" })).rejects.toThrow(/nameLimit/);
    await expect(emu.control.setSwitches({ bogus: 1 } as never)).rejects.toThrow(/unknown switch/);
  });

  it("switches given at start apply and reset() restores them", async () => {
    const e2 = await startEmulator({ maskKeys: false, maxUserTokens: 1, requireUserHeader: false });
    try {
      expect(await e2.control.getSwitches()).toMatchObject({ maskKeys: false, maxUserTokens: 1 });
      await e2.control.setSwitches({ maxUserTokens: 5 });
      await e2.control.reset();
      expect((await e2.control.getSwitches()).maxUserTokens).toBe(1);
    } finally {
      await e2.close();
    }
  });
});
