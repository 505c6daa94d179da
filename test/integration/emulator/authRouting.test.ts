import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../../emulator/index";
import { api, createKey, send, start } from "./helpers";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await start({ users: 2 });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  await emu.control.reset();
});

describe("auth", () => {
  it("no Authorization → 401", async () => {
    const r = await api(emu, "GET", "/api/token/", { anonymous: true, headers: { "new-api-user": "1" } });
    expect(r.status).toBe(401);
    expect(r.json.success).toBe(false);
  });

  it("new-api-2026-03: unknown access token → HTTP 200 success:false 'invalid access token'", async () => {
    await emu.control.setSwitches({ serverProfile: "new-api-2026-03" });
    const r = await api(emu, "GET", "/api/token/", { user: { userId: emu.userId, accessToken: "nope" } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ success: false, message: "Unauthorized, invalid access token" });
  });

  it("upstream-2026-08: an unknown or missing access token → HTTP 401 AUTH_UNAUTHORIZED", async () => {
    const body = { code: "AUTH_UNAUTHORIZED", message: "Unauthorized, invalid access token", success: false };
    const unknown = await api(emu, "GET", "/api/token/", {
      user: { userId: emu.userId, accessToken: "nope" },
    });
    expect([unknown.status, unknown.json]).toEqual([401, body]);
    const missing = await api(emu, "GET", "/api/token/", {
      anonymous: true,
      headers: { "new-api-user": "1" },
    });
    expect([missing.status, missing.json]).toEqual([401, body]);
  });

  it("upstream-2026-08: New-Api-User is not checked at all (missing, not an int, another user's → 200)", async () => {
    const base = { authorization: emu.accessToken };
    for (const user of [undefined, "one", String(emu.users[1]!.userId)]) {
      const headers = user === undefined ? base : { ...base, "new-api-user": user };
      const r = await send(`${emu.url}/api/token/`, "GET", headers, undefined);
      expect([r.status, r.json.success]).toEqual([200, true]);
    }
  });

  it("raw token and one Bearer prefix both work", async () => {
    const raw = await api(emu, "GET", "/api/token/");
    expect(raw.json.success).toBe(true);
    const bearer = await api(emu, "GET", "/api/token/", {
      headers: { authorization: `Bearer ${emu.accessToken}` },
    });
    expect(bearer.json.success).toBe(true);
    const twice = await api(emu, "GET", "/api/token/", {
      headers: { authorization: `Bearer Bearer ${emu.accessToken}` },
    });
    expect(twice.json.success).toBe(false);
  });

  it("new-api-2026-03: New-Api-User missing, not an int, or another user's → 401", async () => {
    await emu.control.setSwitches({ serverProfile: "new-api-2026-03" });
    const base = { authorization: emu.accessToken };
    const missing = await send(`${emu.url}/api/token/`, "GET", base, undefined);
    expect(missing.status).toBe(401);
    expect(missing.json.message).toBe("Unauthorized, New-Api-User header not provided");
    const notInt = await send(`${emu.url}/api/token/`, "GET", { ...base, "new-api-user": "one" }, undefined);
    expect(notInt.status).toBe(401);
    expect(notInt.json.message).toBe("Unauthorized, New-Api-User header format error");
    const other = emu.users[1]!;
    const mismatch = await send(
      `${emu.url}/api/token/`,
      "GET",
      { ...base, "new-api-user": String(other.userId) },
      undefined,
    );
    expect(mismatch.status).toBe(401);
    expect(mismatch.json.message).toBe("Unauthorized, New-Api-User does not match logged in user");
  });

  it("new-api-2026-03 with requireUserHeader off: the header is not needed", async () => {
    await emu.control.setSwitches({ serverProfile: "new-api-2026-03", requireUserHeader: false });
    const r = await send(`${emu.url}/api/token/`, "GET", { authorization: emu.accessToken }, undefined);
    expect(r.status).toBe(200);
    expect(r.json.success).toBe(true);
  });

  it("user ids start at 1 and access tokens are long random strings", () => {
    expect(emu.users.map((u) => u.userId)).toEqual([1, 2]);
    for (const u of emu.users) expect(u.accessToken.length).toBeGreaterThanOrEqual(32);
    expect(emu.users[0]?.accessToken).not.toBe(emu.users[1]?.accessToken);
  });

  it("addUser makes a working new account", async () => {
    const u = await emu.control.addUser();
    expect(u.userId).toBeGreaterThan(2);
    const r = await api(emu, "POST", "/api/token/", { body: { name: "x" }, user: u });
    expect(r.json.success).toBe(true);
    expect(await emu.control.keys(u.userId)).toHaveLength(1);
  });
});

describe("routing", () => {
  it("GET /api/token (no slash) → 301 to /api/token/ keeping the query; POST/PUT → 307", async () => {
    const g = await api(emu, "GET", "/api/token?p=2");
    expect(g.status).toBe(301);
    expect(g.headers.location).toBe("/api/token/?p=2");
    const p = await api(emu, "POST", "/api/token", { body: { name: "x" } });
    expect(p.status).toBe(307);
    expect(p.headers.location).toBe("/api/token/");
    const u = await api(emu, "PUT", "/api/token", { body: { id: 1 } });
    expect(u.status).toBe(307);
    expect(await emu.control.keys()).toHaveLength(0);
  });

  it("/api/token/{id}/ → redirect to /api/token/{id} (301 GET, 307 DELETE)", async () => {
    const rec = await createKey(emu);
    const g = await api(emu, "GET", `/api/token/${rec.id}/`);
    expect(g.status).toBe(301);
    expect(g.headers.location).toBe(`/api/token/${rec.id}`);
    const d = await api(emu, "DELETE", `/api/token/${rec.id}/`);
    expect(d.status).toBe(307);
    expect(await emu.control.keys()).toHaveLength(1);
  });

  it("unknown routes → 404 JSON, without auth", async () => {
    for (const [m, p] of [
      ["GET", "/api/nothing"],
      ["PUT", "/api/token/5"],
      ["PATCH", "/api/token/"],
      ["GET", "/api/token/5/key"],
      ["GET", "/v1/nothing"],
    ] as const) {
      const r = await api(emu, m, p, { anonymous: true });
      expect(r.status).toBe(404);
      expect(r.json.error.message).toContain("Invalid URL");
    }
  });

  it("a huge body is answered (not a crash) and the emulator keeps serving", async () => {
    const huge = JSON.stringify({ name: "x".repeat(6 * 1024 * 1024) });
    const r = await api(emu, "POST", "/api/token/", { raw: huge });
    expect(r.status).toBe(200);
    expect(r.json.success).toBe(false);
    const big = await api(emu, "POST", "/api/token/", { body: { name: "y".repeat(100_000) } });
    expect(big.json).toEqual({ success: false, message: "Token name is too long" });
    expect((await api(emu, "GET", "/api/token/")).json.success).toBe(true);
  });

  it("odd ids and encodings are answered, never a crash", async () => {
    for (const p of [
      "/api/token/%ZZ",
      "/api/token/99999999999999999999999",
      "/api/token/-1",
      "/api/token/0",
    ]) {
      const r = await api(emu, "GET", p);
      expect(r.status).toBe(200);
      expect(r.json.success).toBe(false);
    }
    const del = await api(emu, "DELETE", "/api/token/abc");
    expect(del.json.success).toBe(false);
    expect((await api(emu, "GET", "/api/token/")).status).toBe(200);
  });

  it("the control API needs the admin token", async () => {
    const r = await send(
      `${emu.url}/_emulator/switches`,
      "GET",
      { authorization: emu.accessToken },
      undefined,
    );
    expect(r.status).toBe(401);
    const ok = await send(
      `${emu.url}/_emulator/switches`,
      "GET",
      { authorization: `Bearer ${emu.adminToken}` },
      undefined,
    );
    expect(ok.status).toBe(200);
    expect(ok.json.maskKeys).toBe(true);
  });

  it("request counts per route and status; control requests are not counted", async () => {
    await api(emu, "GET", "/api/token/");
    await api(emu, "GET", "/api/token/");
    await api(emu, "GET", "/api/token/77");
    await api(emu, "POST", "/api/token/", { body: { name: "c" } });
    await api(emu, "GET", "/api/token", {});
    await emu.control.keys();
    const counts = await emu.control.requestCounts();
    expect(counts["GET /api/token/"]).toEqual({ total: 2, byStatus: { "200": 2 } });
    expect(counts["GET /api/token/:id"]?.total).toBe(1);
    expect(counts["POST /api/token/"]?.total).toBe(1);
    expect(counts["GET /api/token"]?.byStatus["301"]).toBe(1);
    expect(Object.keys(counts).some((k) => k.includes("_emulator"))).toBe(false);
    await emu.control.resetCounts();
    expect(await emu.control.requestCounts()).toEqual({});
  });
});
