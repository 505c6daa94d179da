/**
 * The hard parts of create and update over real HTTP: finding the id after a create that answers
 * nothing useful, unknown outcomes (lost response, reset, timeout), identical keys made by
 * someone else at the same moment, failures after the key exists, credentials hints, and the
 * request economy of refresh.
 */
import { describe, expect, it } from "vitest";
import {
  AmbiguousKeyError,
  AuthenticationError,
  CreatedKeyNotFoundError,
  KeyInitializationError,
  NetworkError,
} from "../../../provider/index";
import { createCometApiKeyProvider } from "../../../provider/key/lifecycle";
import { useEmulator } from "../../support/emulatorHooks";
import { apiRequests, callModel, createKey, testProvider, updateKey } from "../../support/providerHarness";

const emu = useEmulator({ resetEach: true });

describe("create", () => {
  it("reconciles a lost response by listing: one key, never posted twice", async () => {
    await emu.control.injectFault({ method: "POST", route: "/api/token/", kind: "lost-response" });
    const key = await createKey(testProvider(emu), { name: "lost", quota: 1_000 });
    const server = await emu.control.keys();
    expect(server.map((k) => k.id)).toEqual([Number(key.id)]);
    expect((await apiRequests(emu))["POST /api/token/"]).toBe(1);
    expect(key.outs.key).toBe(`sk-${server[0]?.key}`);
  });

  it("never sends a reset create again: it fails naming the key to adopt or delete", async () => {
    await emu.control.injectFault({ method: "POST", route: "/api/token/", kind: "reset" });
    const error = await createKey(testProvider(emu), { name: "reset", quota: 1_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CreatedKeyNotFoundError);
    expect((error as Error).message).toMatch(/not sent again.*"reset".*adoptKeyId/s);
    expect(await emu.control.keys()).toEqual([]);
    expect((await apiRequests(emu))["POST /api/token/"]).toBe(1);
  });

  it("never sends a timed-out create again: it fails naming the key to adopt or delete", async () => {
    await emu.control.injectFault({ method: "POST", route: "/api/token/", kind: "timeout" });
    const error = await createKey(
      testProvider(emu, { http: { requestTimeoutMs: 300, retryBaseDelayMs: 10 } }),
      { name: "timeout", quota: 1_000 },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CreatedKeyNotFoundError);
    expect((error as Error).message).toMatch(/not sent again/);
    expect((await apiRequests(emu))["POST /api/token/"]).toBe(1);
  });

  it("refuses to guess when someone else creates an identical key at the same moment", async () => {
    const p = testProvider(emu);
    await p.read("1", {}); // warm the connection; nothing to find
    await emu.control.injectFault({ method: "POST", route: "/api/token/", kind: "latency", latencyMs: 400 });
    const attempt = createKey(p, { name: "twin", quota: 1_000 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const twin = await emu.control.createKeyDirect(emu.userId, {
      name: "twin",
      remain_quota: 1_000,
      unlimited_quota: false,
      expired_time: -1,
      model_limits_enabled: false,
      model_limits: "",
      allow_ips: "",
      group: "",
      cross_group_retry: false,
    });
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AmbiguousKeyError);
    const ids = (await emu.control.keys()).map((k) => k.id);
    expect(ids).toHaveLength(2);
    expect(ids).toContain(twin.id);
    expect((error as AmbiguousKeyError).candidateIds.slice().sort()).toEqual(ids.slice().sort());
    expect((error as Error).message).toMatch(/ids \d+, \d+/);
  });

  it("records the key when a step after creation fails (the error carries the id)", async () => {
    await emu.control.injectFault({
      method: "PUT",
      route: "/api/token/",
      kind: "business-error",
      message: "database is locked",
      times: 0,
    });
    const error = await createKey(testProvider(emu), { name: "half", quota: 1_000, enabled: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KeyInitializationError);
    const [record] = await emu.control.keys();
    expect((error as KeyInitializationError).id).toBe(String(record?.id));
    expect((error as KeyInitializationError).properties).toMatchObject({ keyId: record?.id, name: "half" });
    expect((error as Error).message).toMatch(/database is locked/);
  });
});

describe("update", () => {
  it("reconciles a lost response without resetting usage", async () => {
    const p = testProvider(emu);
    const key = await createKey(p, { name: "before", quota: 10_000 });
    expect((await callModel(emu, String(key.outs.key))).status).toBe(200);
    await emu.control.injectFault({ method: "PUT", route: "/api/token/", kind: "lost-response" });
    const updated = await updateKey(p, key.id, key, { name: "after", quota: 10_000 });
    const [record] = await emu.control.keys();
    expect(record).toMatchObject({ name: "after", remain_quota: 9_000, used_quota: 1_000 });
    expect(updated.outs).toMatchObject({ name: "after", remainingQuota: 9_000 });
  });

  it("retries reads through 5xx and 429 with Retry-After", async () => {
    const p = testProvider(emu);
    const key = await createKey(p, { quota: 1_000 });
    await emu.control.injectFault({ method: "GET", route: "/api/token/:id", kind: "status", status: 503 });
    await emu.control.injectFault({
      method: "GET",
      route: "/api/token/:id",
      kind: "rate-limit",
      retryAfterSeconds: 1,
    });
    const read = await p.read(key.id, key.outs);
    expect(read.id).toBe(key.id);
    const counts = await emu.control.requestCounts();
    expect(counts["GET /api/token/:id"]?.byStatus).toMatchObject({ "503": 1, "429": 1, "200": 1 });
  });
});

describe("refresh", () => {
  it("serves every read of a refresh from one listing, but the first, which goes alone", async () => {
    const p = testProvider(emu);
    const keys = await Promise.all(
      Array.from({ length: 30 }, (_, i) => createKey(p, { name: `k${i}`, quota: 100 })),
    );
    await emu.control.resetCounts();
    const fresh = testProvider(emu, { snapshot: { ttlMs: 30_000 } });
    const reads = await Promise.all(keys.map((k) => fresh.read(k.id, k.outs)));
    expect(reads.map((r) => r.id)).toEqual(keys.map((k) => k.id));
    expect(await apiRequests(emu)).toEqual({ "GET /api/token/:id": 1, "GET /api/token/": 1 });
  });
});

describe("create economy", () => {
  it("reveals the keys of creates finishing at different times in one batch", async () => {
    // Half of the creates answer 300 ms later than the others: two listing rounds, one reveal.
    await emu.control.injectFault({
      method: "POST",
      route: "/api/token/",
      kind: "latency",
      latencyMs: 300,
      skip: 8,
      times: 8,
    });
    const p = testProvider(emu);
    await Promise.all(Array.from({ length: 16 }, (_, i) => createKey(p, { name: `c${i}`, quota: 100 })));
    const counts = await apiRequests(emu);
    expect(counts["POST /api/token/"]).toBe(16);
    expect((counts["POST /api/token/batch/keys"] ?? 0) + (counts["POST /api/token/:id/key"] ?? 0)).toBe(1);
  });
});

describe("update economy", () => {
  it("reads the live quota of updates arriving together from one listing", async () => {
    const p = testProvider(emu);
    const keys = await Promise.all(
      Array.from({ length: 30 }, (_, i) => createKey(p, { name: `u${i}`, quota: 100 })),
    );
    await emu.control.resetCounts();
    const fresh = testProvider(emu, { snapshot: { ttlMs: 30_000 } });
    await Promise.all(keys.map((k, i) => updateKey(fresh, k.id, k, { name: `renamed-${i}`, quota: 100 })));
    // The first update's read lists the (small) account at once; the 29 that arrive meanwhile are
    // served by that listing, which is less than 2 s old. Whose token it is, is asked once.
    expect(await apiRequests(emu)).toEqual({
      "GET /api/user/self": 1,
      "GET /api/token/": 1,
      "PUT /api/token/": 30,
    });
    expect((await emu.control.keys()).every((k) => k.name.startsWith("renamed-"))).toBe(true);
  });
});

describe("credentials", () => {
  it("new-api-2026-03: turns a 401 about New-Api-User into a hint to set cometapi:userId, without the token", async () => {
    await emu.control.setSwitches({ serverProfile: "new-api-2026-03" });
    const p = createCometApiKeyProvider({ connection: { baseUrl: emu.url, accessToken: emu.accessToken } });
    const error = await createKey(p, { quota: 1_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toMatch(/cometapi:userId/);
    expect((error as Error).message).not.toContain(emu.accessToken);
    expect(String((error as Error).stack)).not.toContain(emu.accessToken);
  });
});

describe("a stray status", () => {
  it("reports a key left at status 0 as disabled and enables it on the next update", async () => {
    const p = testProvider(emu);
    const key = await createKey(p, { quota: 1_000 });
    await emu.control.editKey(Number(key.id), { status: 0 });
    const read = await p.read(key.id, key.outs);
    expect(read.props).toMatchObject({ status: "disabled", enabled: false });
    expect((await p.diff(key.id, read.props ?? {}, key.inputs)).changes).toBe(true);
    await p.update(key.id, read.props ?? {}, key.inputs);
    expect((await emu.control.keys())[0]?.status).toBe(1);
  });
});

describe("an unreachable service", () => {
  it("fails within a few attempts, naming the base URL to check", async () => {
    const p = createCometApiKeyProvider({
      connection: { baseUrl: "http://127.0.0.1:9", accessToken: "irrelevant", userId: 1 },
      http: { retryBaseDelayMs: 10, retryBudgetMs: 300_000 },
    });
    const error = await p.read("1", {}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(
      /ECONNREFUSED.*nothing answered at http:\/\/127\.0\.0\.1:9 in 5 attempts/,
    );
  });
});
