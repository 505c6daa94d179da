/**
 * The emulator's concurrency regimes over real HTTP: late commits, another client's identical
 * create, usage racing a write and on a schedule, a root token, and `GET /api/user/self`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../../emulator/index";
import { api, closeAgents, createKey, start } from "./helpers";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start({ users: 2 });
});
afterAll(async () => {
  await emu?.close();
  await closeAgents();
});
beforeEach(async () => {
  await emu.control.reset();
});

describe("concurrency regimes", () => {
  it("late-commit drops the connection and applies the create later; settle waits for it", async () => {
    await emu.control.injectFault({
      method: "POST",
      route: "/api/token/",
      kind: "late-commit",
      commitAfterMs: 200,
      dropConnection: true,
    });
    const sent = await api(emu, "POST", "/api/token/", { body: { name: "late" } }).then(
      () => "answered",
      () => "dropped",
    );
    expect(sent).toBe("dropped");
    expect(await emu.control.keys()).toEqual([]);
    await emu.control.settle();
    expect((await emu.control.keys()).map((k) => k.name)).toEqual(["late"]);
    expect((await emu.control.requestCounts())["POST /api/token/"]?.byStatus).toEqual({ "late-commit": 1 });
  });

  it("twin-create makes an identical key for the same account just before the request", async () => {
    await emu.control.injectFault({ method: "POST", route: "/api/token/", kind: "twin-create" });
    await createKey(emu, { name: "twin", remain_quota: 7 });
    const keys = await emu.control.keys();
    expect(keys.map((k) => [k.name, k.remain_quota, k.user_id])).toEqual([
      ["twin", 7, emu.userId],
      ["twin", 7, emu.userId],
    ]);
  });

  it("charge uses the key a PUT names just before the PUT is applied", async () => {
    const rec = await createKey(emu, { name: "used", remain_quota: 1_000 });
    await emu.control.injectFault({ method: "PUT", route: "/api/token/", kind: "charge", quota: 300 });
    const r = await api(emu, "PUT", "/api/token/", {
      body: { id: rec.id, name: "used", remain_quota: 1_000, expired_time: -1 },
    });
    expect(r.json.data).toMatchObject({ remain_quota: 1_000, used_quota: 300 });
  });

  it("charges every key of a user on a schedule until stopped", async () => {
    const [, other] = emu.users as [unknown, { userId: number; accessToken: string }];
    const mine = await createKey(emu, { name: "mine", remain_quota: 1_000 });
    const theirs = await createKey(emu, { name: "theirs", remain_quota: 1_000 }, other);
    await emu.control.startUsage({ quota: 5, everyMs: 5, userId: emu.userId });
    while (((await emu.control.keys(emu.userId))[0]?.used_quota ?? 0) < 15) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await emu.control.stopUsage();
    const after = (await emu.control.keys(emu.userId))[0]?.used_quota;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect((await emu.control.keys(emu.userId))[0]?.used_quota).toBe(after);
    expect((await emu.control.keys(emu.userId))[0]).toMatchObject({ id: mine.id });
    expect((await emu.control.keys(other.userId))[0]).toMatchObject({ id: theirs.id, used_quota: 0 });
  });

  it("rootSeesAllKeys: a root token lists, reads and deletes every user's keys; a common token only its own", async () => {
    await emu.control.setSwitches({ rootSeesAllKeys: true });
    const [, other] = emu.users as [unknown, { userId: number; accessToken: string }];
    const root = await emu.control.addUser({ root: true });
    const theirs = await createKey(emu, { name: "theirs" }, other);
    const listed = await api(emu, "GET", "/api/token/?p=1&page_size=100", { user: root });
    expect(listed.json.data.items.map((k: { id: number }) => k.id)).toEqual([theirs.id]);
    expect((await api(emu, "GET", "/api/token/?p=1&page_size=100")).json.data.items).toEqual([]);
    expect((await api(emu, "GET", `/api/token/${theirs.id}`)).json.message).toBe("record not found");
    expect((await api(emu, "GET", `/api/token/${theirs.id}`, { user: root })).json.data.user_id).toBe(
      other.userId,
    );
    expect((await api(emu, "DELETE", `/api/token/${theirs.id}`, { user: root })).json.success).toBe(true);
    expect(await emu.control.keys()).toEqual([]);
  });

  it("rootSeesAllKeys off (the default, upstream 2026-08): root sees only its own keys", async () => {
    const [, other] = emu.users as [unknown, { userId: number; accessToken: string }];
    const root = await emu.control.addUser({ root: true });
    const theirs = await createKey(emu, { name: "theirs" }, other);
    expect((await api(emu, "GET", "/api/token/?p=1&page_size=100", { user: root })).json.data.items).toEqual(
      [],
    );
    expect((await api(emu, "GET", `/api/token/${theirs.id}`, { user: root })).json.message).toBe(
      "record not found",
    );
    expect((await api(emu, "DELETE", `/api/token/${theirs.id}`, { user: root })).json.message).toBe(
      "record not found",
    );
    expect((await emu.control.keys()).map((k) => k.id)).toEqual([theirs.id]);
  });

  it("GET /api/user/self names the token's user and role", async () => {
    const root = await emu.control.addUser({ root: true });
    expect((await api(emu, "GET", "/api/user/self")).json.data).toMatchObject({ id: emu.userId, role: 1 });
    expect((await api(emu, "GET", "/api/user/self", { user: root })).json.data).toMatchObject({
      id: root.userId,
      role: 100,
    });
  });
});
