import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../../emulator/index";
import { api, closeAgents, createKey, start } from "./helpers";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await start();
});
afterAll(async () => {
  await emu.close();
  await closeAgents();
});
beforeEach(async () => {
  await emu.control.reset();
});

const limits = {
  windowSeconds: 60,
  maxRequests: 5,
  searchPerMinute: 2,
  revealWindowSeconds: 600,
  revealMax: 3,
};

describe("rate limits", () => {
  it("off by default: many requests pass", async () => {
    for (let i = 0; i < 30; i++) expect((await api(emu, "GET", "/api/token/")).status).toBe(200);
  });

  it.each([
    ["upstream-2026-08", "60"],
    ["new-api-2026-03", undefined],
  ] as const)(
    "%s: global per-IP limit → 429 with an empty body, Retry-After %s; window passes → allowed",
    async (serverProfile, retryAfter) => {
      await emu.control.setSwitches({ serverProfile, rateLimits: limits });
      for (let i = 0; i < 5; i++) expect((await api(emu, "GET", "/api/token/")).status).toBe(200);
      const r = await api(emu, "GET", "/api/token/");
      expect(r.status).toBe(429);
      expect(r.text).toBe("");
      expect(r.headers["retry-after"]).toBe(retryAfter);
      // Another IP has its own budget.
      expect((await api(emu, "GET", "/api/token/", { from: "127.0.0.2" })).status).toBe(200);
      await emu.control.advanceClock(61);
      expect((await api(emu, "GET", "/api/token/")).status).toBe(200);
    },
  );

  it("the rate limit comes before auth", async () => {
    await emu.control.setSwitches({ rateLimits: { ...limits, maxRequests: 1 } });
    await api(emu, "GET", "/api/token/", { anonymous: true });
    expect((await api(emu, "GET", "/api/token/", { anonymous: true })).status).toBe(429);
  });

  it("search is limited per user", async () => {
    await emu.control.setSwitches({ rateLimits: { ...limits, maxRequests: 100 } });
    expect((await api(emu, "GET", "/api/token/search?keyword=a")).status).toBe(200);
    expect((await api(emu, "GET", "/api/token/search?keyword=a")).status).toBe(200);
    const r = await api(emu, "GET", "/api/token/search?keyword=a", { from: "127.0.0.3" });
    expect(r.status).toBe(429);
    expect(r.text).toBe("");
    expect((await api(emu, "GET", "/api/token/")).status).toBe(200);
  });

  it("key reveal (single and batch) is limited per IP", async () => {
    await emu.control.setSwitches({ rateLimits: { ...limits, maxRequests: 100 } });
    const rec = await createKey(emu);
    expect((await api(emu, "POST", `/api/token/${rec.id}/key`)).status).toBe(200);
    expect((await api(emu, "POST", "/api/token/batch/keys", { body: { ids: [rec.id] } })).status).toBe(200);
    expect((await api(emu, "POST", `/api/token/${rec.id}/key`)).status).toBe(200);
    const refused = await api(emu, "POST", `/api/token/${rec.id}/key`);
    expect([refused.status, refused.headers["retry-after"]]).toEqual([429, "600"]);
    expect((await api(emu, "POST", `/api/token/${rec.id}/key`, { from: "127.0.0.4" })).status).toBe(200);
  });

  it("'default' sets the new-api defaults", async () => {
    const s = await emu.control.setSwitches({ rateLimits: "default" as never });
    expect(s.rateLimits).toEqual({
      windowSeconds: 180,
      maxRequests: 360,
      searchPerMinute: 10,
      revealWindowSeconds: 1200,
      revealMax: 20,
    });
  });
});
