import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../../emulator/index";
import { api, createKey, start } from "./helpers";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await start();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  await emu.control.reset();
});

describe("faults", () => {
  it("status 500/502/503 once, then normal service", async () => {
    for (const status of [500, 502, 503] as const) {
      await emu.control.injectFault({ method: "GET", route: "/api/token/", kind: "status", status });
      expect((await api(emu, "GET", "/api/token/")).status).toBe(status);
      expect((await api(emu, "GET", "/api/token/")).status).toBe(200);
    }
  });

  it("a status fault on create has no effect", async () => {
    await emu.control.injectFault({ method: "POST", route: "/api/token/", kind: "status", status: 503 });
    expect((await api(emu, "POST", "/api/token/", { body: { name: "x" } })).status).toBe(503);
    expect(await emu.control.keys()).toHaveLength(0);
  });

  it("rate-limit: 429 with empty body, Retry-After only when asked", async () => {
    await emu.control.injectFault({
      method: "GET",
      route: "/api/token/",
      kind: "rate-limit",
      retryAfterSeconds: 7,
    });
    const r = await api(emu, "GET", "/api/token/");
    expect(r.status).toBe(429);
    expect(r.text).toBe("");
    expect(r.headers["retry-after"]).toBe("7");
    await emu.control.injectFault({ method: "GET", route: "/api/token/", kind: "rate-limit" });
    const r2 = await api(emu, "GET", "/api/token/");
    expect(r2.status).toBe(429);
    expect(r2.headers["retry-after"]).toBeUndefined();
  });

  it("reset destroys the connection before any effect", async () => {
    await emu.control.injectFault({ method: "POST", route: "/api/token/", kind: "reset" });
    await expect(api(emu, "POST", "/api/token/", { body: { name: "x" } })).rejects.toThrow();
    expect(await emu.control.keys()).toHaveLength(0);
    expect((await emu.control.requestCounts())["POST /api/token/"]?.byStatus.reset).toBe(1);
  });

  it("lost-response: the create takes effect but no answer comes", async () => {
    await emu.control.injectFault({ method: "POST", route: "/api/token/", kind: "lost-response" });
    await expect(api(emu, "POST", "/api/token/", { body: { name: "ghost" } })).rejects.toThrow();
    const keys = await emu.control.keys();
    expect(keys.map((k) => k.name)).toEqual(["ghost"]);
  });

  it("lost-response on update: the change is applied", async () => {
    const rec = await createKey(emu, { name: "before" });
    await emu.control.injectFault({ method: "PUT", route: "/api/token/", kind: "lost-response" });
    await expect(api(emu, "PUT", "/api/token/", { body: { id: rec.id, name: "after" } })).rejects.toThrow();
    expect((await emu.control.keys())[0]?.name).toBe("after");
  });

  it("timeout: no answer until the client gives up, and no effect", async () => {
    await emu.control.injectFault({ method: "POST", route: "/api/token/", kind: "timeout" });
    const res = fetch(`${emu.url}/api/token/`, {
      method: "POST",
      headers: { authorization: emu.accessToken, "new-api-user": String(emu.userId) },
      body: JSON.stringify({ name: "never" }),
      signal: AbortSignal.timeout(300),
    });
    await expect(res).rejects.toThrow();
    expect(await emu.control.keys()).toHaveLength(0);
  });

  it("malformed-json: HTTP 200 with a truncated JSON body, no effect", async () => {
    await emu.control.injectFault({ method: "POST", route: "/api/token/", kind: "malformed-json" });
    const r = await api(emu, "POST", "/api/token/", { body: { name: "x" } });
    expect(r.status).toBe(200);
    expect(() => JSON.parse(r.text)).toThrow();
    expect(await emu.control.keys()).toHaveLength(0);
  });

  it("business-error: HTTP 200 success:false with the message, no effect", async () => {
    await emu.control.injectFault({
      method: "POST",
      route: "/api/token/",
      kind: "business-error",
      message: "boom",
    });
    const r = await api(emu, "POST", "/api/token/", { body: { name: "x" } });
    expect(r.json).toEqual({ success: false, message: "boom" });
    expect(await emu.control.keys()).toHaveLength(0);
  });

  it("latency: the request still succeeds", async () => {
    await emu.control.injectFault({ method: "GET", route: "/api/token/", kind: "latency", latencyMs: 50 });
    const r = await api(emu, "GET", "/api/token/");
    expect(r.json.success).toBe(true);
    expect((await emu.control.requestCounts())["GET /api/token/"]?.byStatus["200"]).toBe(1);
  });

  it("skip lets requests through first; times counts hits; times 0 hits until cleared", async () => {
    await emu.control.injectFault({
      method: "GET",
      route: "/api/token/",
      kind: "status",
      status: 500,
      skip: 1,
      times: 2,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await api(emu, "GET", "/api/token/")).status);
    expect(statuses).toEqual([200, 500, 500, 200]);
    await emu.control.injectFault({ method: "*", route: "*", kind: "status", status: 502, times: 0 });
    for (let i = 0; i < 3; i++) expect((await api(emu, "GET", "/api/token/77")).status).toBe(502);
    await emu.control.clearFaults();
    expect((await api(emu, "GET", "/api/token/77")).status).toBe(200);
  });

  it("faults match method and route: another route is untouched", async () => {
    await emu.control.injectFault({ method: "DELETE", route: "/api/token/:id", kind: "status", status: 500 });
    expect((await api(emu, "GET", "/api/token/5")).status).toBe(200);
    expect((await api(emu, "DELETE", "/api/token/5")).status).toBe(500);
  });

  it("faults never hit the control API", async () => {
    await emu.control.injectFault({ method: "*", route: "*", kind: "reset", times: 0 });
    expect(await emu.control.keys()).toEqual([]);
    await emu.control.clearFaults();
  });

  it("bad fault specs are refused", async () => {
    await expect(
      emu.control.injectFault({ method: "GET", route: "*", kind: "explode" as "reset" }),
    ).rejects.toThrow();
  });
});
