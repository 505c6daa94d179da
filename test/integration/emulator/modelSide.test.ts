import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../../emulator/index";
import { ipAllowed } from "../../../emulator/modelApi";
import { api, chat, closeAgents, createKey, model, send, start } from "./helpers";

let emu: RunningEmulator;
const NOW = 1_750_000_000;

beforeAll(async () => {
  emu = await start({ clock: NOW });
});
afterAll(async () => {
  await emu.close();
  await closeAgents();
});
beforeEach(async () => {
  await emu.control.reset();
});

describe("model side", () => {
  it("a fresh key works: charge, used_quota and accessed_time move", async () => {
    const rec = await createKey(emu, { remain_quota: 5000 });
    await emu.control.advanceClock(100);
    const r = await chat(emu, rec.key);
    expect(r.status).toBe(200);
    expect(r.json.object).toBe("chat.completion");
    expect((await emu.control.keys())[0]).toMatchObject({
      remain_quota: 4000,
      used_quota: 1000,
      accessed_time: NOW + 100,
      status: 1,
    });
  });

  it("accepts the key without sk- too; unknown or missing key → 401", async () => {
    const rec = await createKey(emu, { remain_quota: 5000 });
    const plain = await send(
      `${emu.url}/v1/models`,
      "GET",
      { authorization: `Bearer ${rec.key}` },
      undefined,
    );
    expect(plain.status).toBe(200);
    expect((await model(emu, "GET", "/v1/models", "nope")).status).toBe(401);
    expect((await send(`${emu.url}/v1/models`, "GET", {}, undefined)).status).toBe(401);
  });

  it("expired key refused and flipped to 3 lazily", async () => {
    const rec = await createKey(emu, { expired_time: NOW + 10, remain_quota: 5000 });
    expect((await chat(emu, rec.key)).status).toBe(200);
    await emu.control.advanceClock(11);
    expect((await emu.control.keys())[0]?.status).toBe(1);
    const r = await chat(emu, rec.key);
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe("token_expired");
    expect((await emu.control.keys())[0]?.status).toBe(3);
  });

  it("quota exhausted → status 4 after the next call; unlimited keys go negative", async () => {
    const rec = await createKey(emu, { remain_quota: 1500 });
    expect((await chat(emu, rec.key)).status).toBe(200);
    expect((await chat(emu, rec.key)).status).toBe(200);
    expect((await emu.control.keys())[0]).toMatchObject({ remain_quota: -500, status: 1 });
    const r = await chat(emu, rec.key);
    expect(r.status).toBe(401);
    expect((await emu.control.keys())[0]?.status).toBe(4);
    const unl = await createKey(emu, { remain_quota: 0, unlimited_quota: true });
    expect((await chat(emu, unl.key)).status).toBe(200);
    expect((await emu.control.keys())[1]).toMatchObject({ remain_quota: -1000, status: 1 });
  });

  it("disabled and deleted keys are refused", async () => {
    const rec = await createKey(emu, { remain_quota: 5000 });
    await api(emu, "PUT", "/api/token/?status_only=true", { body: { id: rec.id, status: 2 } });
    expect((await chat(emu, rec.key)).status).toBe(401);
    const rec2 = await createKey(emu, { remain_quota: 5000 });
    await api(emu, "DELETE", `/api/token/${rec2.id}`);
    expect((await chat(emu, rec2.key)).status).toBe(401);
  });

  it("IP allowlist: addresses and CIDRs; a caller outside is refused with 403", async () => {
    const rec = await createKey(emu, { remain_quota: 50_000, allow_ips: "127.0.0.2\n10.0.0.0/8" });
    expect((await chat(emu, rec.key, "gpt-4o", "127.0.0.2")).status).toBe(200);
    const out = await chat(emu, rec.key, "gpt-4o", "127.0.0.1");
    expect(out.status).toBe(403);
    expect(out.json.error.code).toBe("ip_not_allowed");
    const cidr = await createKey(emu, { remain_quota: 50_000, allow_ips: "127.0.0.0/30" });
    expect((await chat(emu, cidr.key, "gpt-4o", "127.0.0.3")).status).toBe(200);
    expect((await chat(emu, cidr.key, "gpt-4o", "127.0.0.5")).status).toBe(403);
    const v6 = await createKey(emu, { remain_quota: 50_000, allow_ips: "::1" });
    expect((await chat(emu, v6.key, "gpt-4o", "127.0.0.1")).status).toBe(403);
    expect((await emu.control.keys()).find((k) => k.id === rec.id)?.used_quota).toBe(1000);
  });

  it("IPv6 and IPv4 entries and CIDRs (the matcher; the server binds 127.0.0.1 only)", () => {
    expect(ipAllowed("::1", "::1/128")).toBe(true);
    expect(ipAllowed("2001:db8::5", "2001:db8::/32")).toBe(true);
    expect(ipAllowed("2001:db9::5", "2001:db8::/32")).toBe(false);
    expect(ipAllowed("10.1.2.3", " 10.0.0.0/8 ,\n")).toBe(true);
    expect(ipAllowed("10.1.2.3", "11.0.0.0/8\n10.1.2.3")).toBe(true);
    expect(ipAllowed("10.1.2.3", "")).toBe(true);
    expect(ipAllowed("10.1.2.3", null)).toBe(true);
    expect(ipAllowed("10.1.2.3", "::1")).toBe(false);
  });

  it("model allowlist: a model outside it is refused with 403, and /v1/models lists only allowed ones", async () => {
    const rec = await createKey(emu, {
      remain_quota: 50_000,
      model_limits_enabled: true,
      model_limits: "gpt-4o",
    });
    expect((await chat(emu, rec.key, "gpt-4o")).status).toBe(200);
    const r = await chat(emu, rec.key, "deepseek-chat");
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe("model_not_allowed");
    const models = await model(emu, "GET", "/v1/models", rec.key);
    expect(models.json.data.map((m: { id: string }) => m.id)).toEqual(["gpt-4o"]);
    const free = await createKey(emu, { remain_quota: 50_000 });
    expect((await model(emu, "GET", "/v1/models", free.key)).json.data.length).toBeGreaterThan(1);
  });

  it("bad model requests: no model → 400, bad JSON → 400, unknown model → 503, none charged", async () => {
    const rec = await createKey(emu, { remain_quota: 50_000 });
    expect((await model(emu, "POST", "/v1/chat/completions", rec.key, { messages: [] })).status).toBe(400);
    const bad = await send(
      `${emu.url}/v1/chat/completions`,
      "POST",
      { authorization: `Bearer sk-${rec.key}`, "content-type": "application/json" },
      "{oops",
    );
    expect(bad.status).toBe(400);
    expect((await chat(emu, rec.key, "no-such-model")).status).toBe(503);
    expect((await emu.control.keys())[0]?.used_quota).toBe(0);
  });

  it("control chargeKey charges like a call and applies the lazy flips", async () => {
    const rec = await createKey(emu, { remain_quota: 100 });
    const after = await emu.control.chargeKey(rec.id, 60);
    expect(after).toMatchObject({ remain_quota: 40, used_quota: 60, status: 1 });
    const exhausted = await emu.control.chargeKey(rec.id, 40);
    expect(exhausted).toMatchObject({ remain_quota: 0, used_quota: 100, status: 4 });
  });

  it("model calls are counted per route", async () => {
    const rec = await createKey(emu, { remain_quota: 50_000 });
    await chat(emu, rec.key);
    await model(emu, "GET", "/v1/models", rec.key);
    const counts = await emu.control.requestCounts();
    expect(counts["POST /v1/chat/completions"]?.total).toBe(1);
    expect(counts["GET /v1/models"]?.total).toBe(1);
  });
});
