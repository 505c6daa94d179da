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
  it("serverProfile: what differs between the builds (records, cross_group_retry, routes, type errors)", async () => {
    const body = { name: "g", remain_quota: 5, group: "vip", cross_group_retry: true };
    const seen: Record<string, unknown>[] = [];
    for (const serverProfile of ["upstream-2026-08", "new-api-2026-03"] as const) {
      await emu.control.reset();
      await emu.control.setSwitches({ serverProfile });
      await api(emu, "POST", "/api/token/", { body });
      await api(emu, "POST", "/api/token/", { body: { ...body, name: "a", group: "auto" } });
      const [auto, vip] = (await api(emu, "GET", "/api/token/")).json.data.items;
      const typeError = await api(emu, "POST", "/api/token/", { body: { remain_quota: "1" } });
      const autoGroups = await api(emu, "GET", "/api/token/auto-groups");
      seen.push({
        vipRetry: vip.cross_group_retry,
        autoRetry: auto.cross_group_retry,
        extras: { auto_groups: vip.auto_groups, billing_type: vip.billing_type },
        typeError: typeError.json.message,
        // The older build has no such route: `/api/token/:id` answers, with Go's atoi error.
        autoGroups: autoGroups.json.success,
      });
    }
    expect(seen).toEqual([
      {
        vipRetry: false,
        autoRetry: true,
        extras: { auto_groups: null, billing_type: undefined },
        typeError:
          "json: cannot unmarshal string into Go struct field tokenRequest.Token.remain_quota of type int",
        autoGroups: true,
      },
      {
        vipRetry: true,
        autoRetry: true,
        extras: { auto_groups: undefined, billing_type: 0 },
        typeError: "json: cannot unmarshal string into Go struct field Token.remain_quota of type int",
        autoGroups: false,
      },
    ]);
  });

  it("serverProfile: auto_groups stored in order and validated for group auto (upstream), unknown to the older build", async () => {
    const auto = { name: "a", remain_quota: 5, group: "auto" };
    // upstream-2026-08: the selectable groups are default and vip (auto itself is not one).
    expect(
      (await api(emu, "POST", "/api/token/", { body: { ...auto, auto_groups: ["vip", "default"] } })).json,
    ).toEqual({
      success: true,
      message: "",
    });
    const [created] = (await api(emu, "GET", "/api/token/")).json.data.items;
    expect(created.auto_groups).toEqual(["vip", "default"]);
    const refusals = [];
    for (const auto_groups of [["vip", "vip"], ["vpi"], ["vip", "default", "auto"]]) {
      refusals.push((await api(emu, "POST", "/api/token/", { body: { ...auto, auto_groups } })).json.message);
    }
    expect(refusals).toEqual([
      "Duplicate auto group: vip",
      "Auto group vpi is not available",
      "Too many auto groups, maximum is 2",
    ]);
    // A full update without auto_groups keeps them; another group clears them; empty is null.
    const update = { ...auto, id: created.id, status: 1 };
    expect((await api(emu, "PUT", "/api/token/", { body: update })).json.data.auto_groups).toEqual([
      "vip",
      "default",
    ]);
    const reordered = { ...update, auto_groups: ["default", "vip"] };
    expect((await api(emu, "PUT", "/api/token/", { body: reordered })).json.data.auto_groups).toEqual([
      "default",
      "vip",
    ]);
    expect(
      (await api(emu, "PUT", "/api/token/", { body: { ...reordered, group: "vip" } })).json.data.auto_groups,
    ).toBe(null);
    expect(
      (await api(emu, "PUT", "/api/token/", { body: { ...update, auto_groups: [] } })).json.data.auto_groups,
    ).toBe(null);

    await emu.control.reset();
    await emu.control.setSwitches({ serverProfile: "new-api-2026-03" });
    const old = await api(emu, "POST", "/api/token/", { body: { ...auto, auto_groups: ["vpi", "vpi"] } });
    expect(old.json.success).toBe(true);
    const [kept] = (await api(emu, "GET", "/api/token/")).json.data.items;
    expect("auto_groups" in kept).toBe(false);
  });

  it("POST /api/token/batch deletes the caller's keys among ids (data = how many), at most 100", async () => {
    const [a, b] = [await createKey(emu, { name: "a" }), await createKey(emu, { name: "b" })];
    const r = await api(emu, "POST", "/api/token/batch", { body: { ids: [a.id, b.id, 999] } });
    expect(r.json).toEqual({ success: true, message: "", data: 2 });
    expect(await emu.control.keys()).toEqual([]);
    const tooMany = await api(emu, "POST", "/api/token/batch", {
      body: { ids: Array.from({ length: 101 }, (_, i) => i + 1) },
    });
    expect(tooMany.json).toEqual({
      success: false,
      message: "Too many items in batch request, maximum is 100",
    });
  });

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

  it("new-api-2026-03: quotaPerUnit moves the quota maximum", async () => {
    await emu.control.setSwitches({ serverProfile: "new-api-2026-03", quotaPerUnit: 1 });
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
