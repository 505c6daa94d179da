/**
 * What the account may use, as new-api's `controller/user.go` and `controller/group.go` answer it:
 * `GET /api/user/models[?group=]`, `GET /api/user/self/groups`, and the quota fields of
 * `GET /api/user/self`, per server profile and as the switches configure them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../../emulator/index";
import { api, closeAgents, start } from "./helpers";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await start();
});

afterEach(async () => {
  await emu.control.reset();
});

afterAll(async () => {
  await emu?.close();
  await closeAgents();
});

describe("GET /api/user/models", () => {
  it("lists the models of every usable group, or of one; a group the caller may not use has none", async () => {
    await emu.control.setSwitches({
      groups: ["default", "vip=2", "auto"],
      models: ["gpt-4o", "gpt-4o-mini", "o1@vip"],
    });
    const all = await api(emu, "GET", "/api/user/models");
    expect(all.status).toBe(200);
    expect(all.json).toEqual({ success: true, message: "", data: ["gpt-4o", "gpt-4o-mini", "o1"] });
    expect((await api(emu, "GET", "/api/user/models?group=default")).json.data).toEqual([
      "gpt-4o",
      "gpt-4o-mini",
    ]);
    expect((await api(emu, "GET", "/api/user/models?group=vip")).json.data).toEqual([
      "gpt-4o",
      "gpt-4o-mini",
      "o1",
    ]);
    expect((await api(emu, "GET", "/api/user/models?group=nope")).json.data).toEqual([]);
    // upstream 2026-08: `auto` lists the models of the groups auto chooses among.
    expect((await api(emu, "GET", "/api/user/models?group=auto")).json.data).toEqual([
      "gpt-4o",
      "gpt-4o-mini",
      "o1",
    ]);
  });

  it("answers null for no models on the older build (Go's nil slice), [] on upstream", async () => {
    await emu.control.setSwitches({ models: [] });
    expect((await api(emu, "GET", "/api/user/models")).json.data).toEqual([]);
    await emu.control.setSwitches({ serverProfile: "new-api-2026-03", requireUserHeader: false });
    expect((await api(emu, "GET", "/api/user/models")).json).toEqual({
      success: true,
      message: "",
      data: null,
    });
  });

  it("needs the access token like every /api route", async () => {
    const anonymous = await api(emu, "GET", "/api/user/models", { anonymous: true });
    expect(anonymous.status).toBe(401);
  });
});

describe("GET /api/user/self/groups", () => {
  it("maps each usable group to its ratio and description; auto's ratio is a text", async () => {
    await emu.control.setSwitches({ groups: ["default", "vip=2.5", "auto"] });
    const answer = await api(emu, "GET", "/api/user/self/groups");
    expect(answer.status).toBe(200);
    expect(answer.json.success).toBe(true);
    expect(answer.json.data).toEqual({
      default: { ratio: 1, desc: "default group" },
      vip: { ratio: 2.5, desc: "vip group" },
      auto: { ratio: "自动", desc: expect.any(String) },
    });
  });
});

describe("accountRoutes: false (an older build)", () => {
  it("answers both routes with the unknown-route 404", async () => {
    await emu.control.setSwitches({ accountRoutes: false });
    for (const path of ["/api/user/models", "/api/user/self/groups"]) {
      const answer = await api(emu, "GET", path);
      expect(answer.status, path).toBe(404);
      expect(answer.json.error.message).toBe(`Invalid URL (GET ${path})`);
    }
    expect((await api(emu, "GET", "/api/user/self")).status).toBe(200);
  });
});

describe("GET /api/user/self", () => {
  it("reports the account's group, quota balance, used quota and request count", async () => {
    await emu.control.setSwitches({ userGroup: "vip", userQuota: 10_000, chargePerRequest: 1000 });
    const key = await emu.control.createKeyDirect(emu.userId, { name: "k", remain_quota: 5_000 });
    await emu.control.chargeKey(key.id, 3_000);
    const self = await api(emu, "GET", "/api/user/self");
    expect(self.json.data).toMatchObject({
      id: emu.userId,
      group: "vip",
      quota: 7_000,
      used_quota: 3_000,
      request_count: 3,
    });
  });
});
