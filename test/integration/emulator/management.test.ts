import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../../emulator/index";
import { api, createKey, start } from "./helpers";

let emu: RunningEmulator;
const NOW = 1_750_000_000;

beforeAll(async () => {
  emu = await start({ clock: NOW, users: 2 });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  await emu.control.reset();
});

describe("envelope", () => {
  it("create answers exactly {success:true, message:''} with no id, key or record", async () => {
    const r = await api(emu, "POST", "/api/token/", { body: { name: "one" } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ success: true, message: "" });
  });

  it("business errors are HTTP 200 success:false with a message and no data", async () => {
    const r = await api(emu, "GET", "/api/token/999999");
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ success: false, message: "record not found" });
  });

  it("every record carries DeletedAt: null and the contract fields", async () => {
    await createKey(emu, { name: "f" });
    const r = await api(emu, "GET", "/api/token/");
    const item = r.json.data.items[0];
    expect(item.DeletedAt).toBeNull();
    for (const f of [
      "id",
      "user_id",
      "key",
      "status",
      "name",
      "created_time",
      "accessed_time",
      "expired_time",
      "remain_quota",
      "unlimited_quota",
      "model_limits_enabled",
      "model_limits",
      "allow_ips",
      "used_quota",
      "group",
      "cross_group_retry",
    ]) {
      expect(item).toHaveProperty(f);
    }
  });

  it("every /api answer has a Date header from the emulator clock", async () => {
    const r = await api(emu, "GET", "/api/token/");
    expect(new Date(String(r.headers.date)).getTime() / 1000).toBe(NOW);
    await emu.control.advanceClock(3600);
    const r2 = await api(emu, "GET", "/api/token/");
    expect(new Date(String(r2.headers.date)).getTime() / 1000).toBe(NOW + 3600);
  });
});

describe("create defaults", () => {
  it("server sets status 1, a 48-char key, times = now, used 0; expired 0/omitted → -1; allow_ips null → ''", async () => {
    await api(emu, "POST", "/api/token/", {
      body: { name: "d", status: 2, id: 77, key: "mine", allow_ips: null, expired_time: 0, remain_quota: 10 },
    });
    const [rec] = await emu.control.keys();
    expect(rec).toMatchObject({
      status: 1,
      name: "d",
      created_time: NOW,
      accessed_time: NOW,
      expired_time: -1,
      used_quota: 0,
      remain_quota: 10,
      allow_ips: "",
      user_id: emu.userId,
    });
    expect(rec?.id).not.toBe(77);
    expect(rec?.key).toMatch(/^[0-9A-Za-z]{48}$/);
    await api(emu, "POST", "/api/token/", { body: { name: "omitted" } });
    const keys = await emu.control.keys();
    expect(keys[1]?.expired_time).toBe(-1);
    expect(keys[1]?.allow_ips).toBe("");
  });

  it("keeps an explicit expired_time and allow_ips", async () => {
    const rec = await createKey(emu, { expired_time: NOW + 100, allow_ips: "10.0.0.1" });
    expect(rec.expired_time).toBe(NOW + 100);
    expect(rec.allow_ips).toBe("10.0.0.1");
  });

  it.each([
    ["upstream-2026-08", 2147483647],
    ["new-api-2026-03", 1e9 * 500000],
  ] as const)(
    "%s: quota bounds: negative refused, above %d refused, both ignored when unlimited",
    async (serverProfile, max) => {
      await emu.control.setSwitches({ serverProfile });
      const neg = await api(emu, "POST", "/api/token/", { body: { name: "n", remain_quota: -1 } });
      expect(neg.json.success).toBe(false);
      const over = await api(emu, "POST", "/api/token/", { body: { name: "o", remain_quota: max + 1 } });
      expect(over.json).toEqual({
        success: false,
        message: `Quota value exceeds valid range, maximum is ${max}`,
      });
      const atMax = await api(emu, "POST", "/api/token/", { body: { name: "m", remain_quota: max } });
      expect(atMax.json.success).toBe(true);
      const unl = await api(emu, "POST", "/api/token/", {
        body: { name: "u", remain_quota: -5, unlimited_quota: true },
      });
      expect(unl.json.success).toBe(true);
      const unlBig = await api(emu, "POST", "/api/token/", {
        body: { name: "u2", remain_quota: max + 1, unlimited_quota: true },
      });
      expect(unlBig.json.success).toBe(true);
      expect(await emu.control.keys()).toHaveLength(3);
    },
  );

  it("name limit counts UTF-8 bytes: 17 CJK characters refused, 16 accepted, 50 ASCII accepted, 51 refused", async () => {
    const cjk17 = await api(emu, "POST", "/api/token/", { body: { name: "密".repeat(17) } });
    expect(cjk17.json).toEqual({ success: false, message: "Token name is too long" });
    expect((await api(emu, "POST", "/api/token/", { body: { name: "密".repeat(16) } })).json.success).toBe(
      true,
    );
    expect((await api(emu, "POST", "/api/token/", { body: { name: "a".repeat(50) } })).json.success).toBe(
      true,
    );
    expect((await api(emu, "POST", "/api/token/", { body: { name: "a".repeat(51) } })).json.success).toBe(
      false,
    );
  });

  it("max_user_tokens counts the user's non-deleted keys", async () => {
    await emu.control.setSwitches({ maxUserTokens: 2 });
    const a = await createKey(emu);
    await createKey(emu);
    const third = await api(emu, "POST", "/api/token/", { body: { name: "3" } });
    expect(third.json.success).toBe(false);
    // Another user is not affected.
    const other = emu.users[1]!;
    const r = await api(emu, "POST", "/api/token/", { body: { name: "o" }, user: other });
    expect(r.json.success).toBe(true);
    await api(emu, "DELETE", `/api/token/${a.id}`);
    expect((await api(emu, "POST", "/api/token/", { body: { name: "3" } })).json.success).toBe(true);
  });

  it("wrong JSON types fail the whole request with the decoder text; unknown fields are ignored", async () => {
    const r = await api(emu, "POST", "/api/token/", { body: { name: 5 } });
    expect(r.status).toBe(200);
    expect(r.json.success).toBe(false);
    expect(r.json.message).toMatch(/cannot unmarshal number/);
    const r2 = await api(emu, "POST", "/api/token/", { body: { name: "x", remain_quota: "10" } });
    expect(r2.json.success).toBe(false);
    const r3 = await api(emu, "POST", "/api/token/", { body: { name: "x", remain_quota: 1.5 } });
    expect(r3.json.success).toBe(false);
    const bad = await api(emu, "POST", "/api/token/", { raw: "{not json" });
    expect(bad.status).toBe(200);
    expect(bad.json.success).toBe(false);
    const empty = await api(emu, "POST", "/api/token/", { raw: "" });
    expect(empty.json).toEqual({ success: false, message: "EOF" });
    const arr = await api(emu, "POST", "/api/token/", { raw: "[]" });
    expect(arr.json.success).toBe(false);
    expect(await emu.control.keys()).toHaveLength(0);
    const extra = await api(emu, "POST", "/api/token/", { body: { name: "x", whatever: { deep: [1] } } });
    expect(extra.json.success).toBe(true);
  });
});

describe("list paging", () => {
  beforeEach(async () => {
    for (let i = 1; i <= 25; i++) await createKey(emu, { name: `k${i}` });
  });

  it("newest first, default page_size 10, 1-based p, page object", async () => {
    const r = await api(emu, "GET", "/api/token/");
    expect(r.json.success).toBe(true);
    expect(r.json.data.page).toBe(1);
    expect(r.json.data.page_size).toBe(10);
    expect(r.json.data.total).toBe(25);
    const names = r.json.data.items.map((i: { name: string }) => i.name);
    expect(names[0]).toBe("k25");
    expect(names).toHaveLength(10);
    const p3 = await api(emu, "GET", "/api/token/?p=3");
    expect(p3.json.data.items.map((i: { name: string }) => i.name)).toEqual(["k5", "k4", "k3", "k2", "k1"]);
    const p4 = await api(emu, "GET", "/api/token/?p=4");
    expect(p4.json.data.items).toEqual([]);
  });

  it("p missing, 0 or garbage → 1", async () => {
    for (const q of ["", "?p=0", "?p=abc", "?p=-3", "?p=1.5"]) {
      const r = await api(emu, "GET", `/api/token/${q}`);
      expect(r.json.data.page).toBe(1);
      expect(r.json.data.items[0].name).toBe("k25");
    }
  });

  it("page_size is also read as ps or size, and capped at 100", async () => {
    expect((await api(emu, "GET", "/api/token/?ps=3")).json.data.items).toHaveLength(3);
    expect((await api(emu, "GET", "/api/token/?size=4")).json.data.items).toHaveLength(4);
    expect((await api(emu, "GET", "/api/token/?page_size=5&ps=3")).json.data.items).toHaveLength(5);
    const big = await api(emu, "GET", "/api/token/?page_size=1000");
    expect(big.json.data.page_size).toBe(100);
    expect(big.json.data.items).toHaveLength(25);
  });

  it("cap at 100 really limits a page", async () => {
    for (let i = 0; i < 80; i++) await emu.control.createKeyDirect(emu.userId, { name: `x${i}` });
    const r = await api(emu, "GET", "/api/token/?p=1&page_size=500");
    expect(r.json.data.items).toHaveLength(100);
    expect(r.json.data.total).toBe(105);
    const p2 = await api(emu, "GET", "/api/token/?p=2&page_size=100");
    expect(p2.json.data.items).toHaveLength(5);
  });

  it("a negative page_size returns everything", async () => {
    const r = await api(emu, "GET", "/api/token/?page_size=-1");
    expect(r.json.data.items).toHaveLength(25);
    const r2 = await api(emu, "GET", "/api/token/?page_size=-5&p=3");
    expect(r2.json.data.items).toHaveLength(25);
  });

  it("keys are scoped to their user", async () => {
    const other = emu.users[1]!;
    const r = await api(emu, "GET", "/api/token/", { user: other });
    expect(r.json.data.total).toBe(0);
    expect(r.json.data.items).toEqual([]);
    const mine = (await emu.control.keys(emu.userId))[0]!;
    const get = await api(emu, "GET", `/api/token/${mine.id}`, { user: other });
    expect(get.json).toEqual({ success: false, message: "record not found" });
    const del = await api(emu, "DELETE", `/api/token/${mine.id}`, { user: other });
    expect(del.json.success).toBe(false);
    const put = await api(emu, "PUT", "/api/token/", { body: { id: mine.id, name: "stolen" }, user: other });
    expect(put.json).toEqual({ success: false, message: "record not found" });
    expect((await emu.control.keys(emu.userId))[0]?.name).toBe(mine.name);
  });
});

describe("search", () => {
  beforeEach(async () => {
    await createKey(emu, { name: "alpha" });
    await createKey(emu, { name: "alphabet" });
    await createKey(emu, { name: "beta_1" });
    await createKey(emu, { name: "betax1" });
  });

  it("without % is an exact match", async () => {
    const r = await api(emu, "GET", "/api/token/search?keyword=alpha");
    expect(r.json.data.items.map((i: { name: string }) => i.name)).toEqual(["alpha"]);
    expect(r.json.data.total).toBe(1);
  });

  it("% makes a LIKE pattern; _ is literal", async () => {
    const r = await api(emu, "GET", `/api/token/search?keyword=${encodeURIComponent("alp%")}`);
    expect(r.json.data.items.map((i: { name: string }) => i.name)).toEqual(["alphabet", "alpha"]);
    const u = await api(emu, "GET", `/api/token/search?keyword=${encodeURIComponent("beta_%")}`);
    expect(u.json.data.items.map((i: { name: string }) => i.name)).toEqual(["beta_1"]);
  });

  it("refuses %%, more than two %, and fewer than two other characters", async () => {
    for (const k of ["al%%", "%a%l%", "a%"]) {
      const r = await api(emu, "GET", `/api/token/search?keyword=${encodeURIComponent(k)}`);
      expect(r.status).toBe(200);
      expect(r.json.success).toBe(false);
    }
  });

  it("token= searches the key (sk- stripped), exact", async () => {
    const rec = (await emu.control.keys()).find((k) => k.name === "beta_1")!;
    const r = await api(emu, "GET", `/api/token/search?token=sk-${rec.key}`);
    expect(r.json.data.items.map((i: { id: number }) => i.id)).toEqual([rec.id]);
    expect(r.json.data.items[0].key).toContain("*");
  });

  it("no keyword and no token lists all, newest first; negative page_size gives at most 100", async () => {
    const r = await api(emu, "GET", "/api/token/search?page_size=-1");
    expect(r.json.data.items.map((i: { name: string }) => i.name)).toEqual([
      "betax1",
      "beta_1",
      "alphabet",
      "alpha",
    ]);
  });
});

describe("get, update, delete", () => {
  it("get returns one masked record; non-integer id → decoder text", async () => {
    const rec = await createKey(emu, { name: "g" });
    const r = await api(emu, "GET", `/api/token/${rec.id}`);
    expect(r.json.success).toBe(true);
    expect(r.json.data.id).toBe(rec.id);
    expect(r.json.data.key).toBe(`${rec.key.slice(0, 4)}**********${rec.key.slice(-4)}`);
    const bad = await api(emu, "GET", "/api/token/abc");
    expect(bad.status).toBe(200);
    expect(bad.json.success).toBe(false);
    expect(bad.json.message).toMatch(/strconv\.Atoi/);
  });

  it("full update replaces every field; omitted expired_time becomes 0 and omitted quota 0", async () => {
    const rec = await createKey(emu, {
      name: "full",
      expired_time: NOW + 1000,
      remain_quota: 500,
      model_limits_enabled: true,
      model_limits: "gpt-4o",
      allow_ips: "1.2.3.4",
      group: "vip",
    });
    const r = await api(emu, "PUT", "/api/token/", { body: { id: rec.id, name: "renamed" } });
    expect(r.json.success).toBe(true);
    expect(r.json.data).toMatchObject({
      id: rec.id,
      name: "renamed",
      expired_time: 0,
      remain_quota: 0,
      model_limits_enabled: false,
      model_limits: "",
      allow_ips: null,
      group: "",
      status: 1,
    });
    expect(r.json.data.key).toContain("*");
    const [stored] = await emu.control.keys();
    expect(stored?.expired_time).toBe(0);
    expect(stored?.created_time).toBe(rec.created_time);
    expect(stored?.key).toBe(rec.key);
  });

  it("remain_quota overwrites the live remaining quota (usage since the last read is lost)", async () => {
    const rec = await createKey(emu, { remain_quota: 1000 });
    await emu.control.chargeKey(rec.id, 300);
    const r = await api(emu, "PUT", "/api/token/", {
      body: { id: rec.id, name: "k", remain_quota: 1000, expired_time: -1 },
    });
    expect(r.json.data.remain_quota).toBe(1000);
    expect(r.json.data.used_quota).toBe(300);
  });

  it("a full update never changes status (default switch)", async () => {
    const rec = await createKey(emu);
    const r = await api(emu, "PUT", "/api/token/", {
      body: { id: rec.id, name: "k", status: 2, expired_time: -1 },
    });
    expect(r.json.data.status).toBe(1);
  });

  it("update runs the name and quota checks first, even with status_only", async () => {
    const rec = await createKey(emu);
    const r = await api(emu, "PUT", "/api/token/?status_only=true", {
      body: { id: rec.id, status: 2, remain_quota: -1 },
    });
    expect(r.json.success).toBe(false);
    const r2 = await api(emu, "PUT", "/api/token/", { body: { id: rec.id, name: "n".repeat(51) } });
    expect(r2.json).toEqual({ success: false, message: "Token name is too long" });
    expect((await emu.control.keys())[0]?.status).toBe(1);
  });

  it("update: missing id → error, unknown id → record not found", async () => {
    const r = await api(emu, "PUT", "/api/token/", { body: { name: "x" } });
    expect(r.json.success).toBe(false);
    const r2 = await api(emu, "PUT", "/api/token/", { body: { id: 424242, name: "x" } });
    expect(r2.json).toEqual({ success: false, message: "record not found" });
  });

  it("status_only changes only the status (any integer)", async () => {
    const rec = await createKey(emu, { name: "s", remain_quota: 77, expired_time: NOW + 50 });
    const r = await api(emu, "PUT", "/api/token/?status_only=true", { body: { id: rec.id, status: 2 } });
    expect(r.json.data).toMatchObject({ status: 2, name: "s", remain_quota: 77, expired_time: NOW + 50 });
    const r2 = await api(emu, "PUT", "/api/token/?status_only=true", { body: { id: rec.id, status: 9 } });
    expect(r2.json.data.status).toBe(9);
  });

  it("re-enable guard: expired (stored status 3, past expired_time) is refused", async () => {
    const rec = await createKey(emu, { expired_time: NOW + 10, remain_quota: 100 });
    await emu.control.advanceClock(20);
    await emu.control.editKey(rec.id, { status: 3 });
    const r = await api(emu, "PUT", "/api/token/?status_only=true", { body: { id: rec.id, status: 1 } });
    expect(r.json.success).toBe(false);
    // A full update with status:1 in the body is refused too (guard is on the body status).
    const r2 = await api(emu, "PUT", "/api/token/", {
      body: { id: rec.id, status: 1, name: "k", expired_time: -1, remain_quota: 100 },
    });
    expect(r2.json.success).toBe(false);
    expect((await emu.control.keys())[0]).toMatchObject({ status: 3, expired_time: NOW + 10 });
  });

  it("re-enable guard: exhausted (stored status 4, remain <= 0, limited) is refused", async () => {
    const rec = await createKey(emu, { remain_quota: 10 });
    await emu.control.editKey(rec.id, { status: 4, remain_quota: 0 });
    const r = await api(emu, "PUT", "/api/token/?status_only=true", { body: { id: rec.id, status: 1 } });
    expect(r.json.success).toBe(false);
    expect((await emu.control.keys())[0]?.status).toBe(4);
  });

  it("the guard is judged on the stored record: status 3 with a future expiry may be enabled", async () => {
    const rec = await createKey(emu, { expired_time: NOW + 1000 });
    await emu.control.editKey(rec.id, { status: 3 });
    const r = await api(emu, "PUT", "/api/token/?status_only=true", { body: { id: rec.id, status: 1 } });
    expect(r.json.data.status).toBe(1);
  });

  it("revival takes two calls: fix expiry with a full update, then status_only 1", async () => {
    const rec = await createKey(emu, { expired_time: NOW + 10, remain_quota: 100 });
    await emu.control.advanceClock(20);
    await emu.control.editKey(rec.id, { status: 3 });
    const fix = await api(emu, "PUT", "/api/token/", {
      body: { id: rec.id, name: "k", expired_time: -1, remain_quota: 100 },
    });
    expect(fix.json.success).toBe(true);
    expect(fix.json.data.status).toBe(3);
    const on = await api(emu, "PUT", "/api/token/?status_only=true", { body: { id: rec.id, status: 1 } });
    expect(on.json.success).toBe(true);
    expect(on.json.data.status).toBe(1);
  });

  it("revival of an exhausted key: raise quota, then enable", async () => {
    const rec = await createKey(emu, { remain_quota: 10 });
    await emu.control.editKey(rec.id, { status: 4, remain_quota: -5 });
    const fix = await api(emu, "PUT", "/api/token/", {
      body: { id: rec.id, name: "k", expired_time: -1, remain_quota: 50 },
    });
    expect(fix.json.data.status).toBe(4);
    const on = await api(emu, "PUT", "/api/token/?status_only=true", { body: { id: rec.id, status: 1 } });
    expect(on.json.data.status).toBe(1);
  });

  it("soft delete: gone from list/get/search, second delete → record not found, id not reused", async () => {
    const rec = await createKey(emu, { name: "del" });
    const d = await api(emu, "DELETE", `/api/token/${rec.id}`);
    expect(d.json).toEqual({ success: true, message: "" });
    expect((await api(emu, "GET", `/api/token/${rec.id}`)).json).toEqual({
      success: false,
      message: "record not found",
    });
    expect((await api(emu, "GET", "/api/token/")).json.data.total).toBe(0);
    expect((await api(emu, "GET", "/api/token/search?keyword=del")).json.data.items).toEqual([]);
    expect((await api(emu, "DELETE", `/api/token/${rec.id}`)).json).toEqual({
      success: false,
      message: "record not found",
    });
    const next = await createKey(emu, { name: "next" });
    expect(next.id).toBeGreaterThan(rec.id);
    const up = await api(emu, "PUT", "/api/token/", { body: { id: rec.id, name: "zombie" } });
    expect(up.json).toEqual({ success: false, message: "record not found" });
  });
});

describe("masking and reveal", () => {
  it("masks first 4 + 10 stars + last 4 in list, get, search and update", async () => {
    const rec = await createKey(emu, { name: "m" });
    const masked = `${rec.key.slice(0, 4)}**********${rec.key.slice(-4)}`;
    expect((await api(emu, "GET", "/api/token/")).json.data.items[0].key).toBe(masked);
    expect((await api(emu, "GET", `/api/token/${rec.id}`)).json.data.key).toBe(masked);
    expect((await api(emu, "GET", "/api/token/search?keyword=m")).json.data.items[0].key).toBe(masked);
    expect((await api(emu, "PUT", "/api/token/", { body: { id: rec.id, name: "m" } })).json.data.key).toBe(
      masked,
    );
  });

  it("short keys (≤ 8 chars) mask as first 2 + **** + last 2", async () => {
    const rec = await emu.control.createKeyDirect(emu.userId, { key: "abcdefgh", name: "short" });
    expect((await api(emu, "GET", `/api/token/${rec.id}`)).json.data.key).toBe("ab****gh");
  });

  it("reveal returns the full key; batch reveal returns a map and skips others' ids", async () => {
    const a = await createKey(emu);
    const b = await createKey(emu);
    const other = emu.users[1]!;
    const theirs = await createKey(emu, {}, other);
    const r = await api(emu, "POST", `/api/token/${a.id}/key`);
    expect(r.json).toEqual({ success: true, message: "", data: { key: a.key } });
    const batch = await api(emu, "POST", "/api/token/batch/keys", {
      body: { ids: [a.id, b.id, theirs.id, 999999] },
    });
    expect(batch.json.data.keys).toEqual({ [String(a.id)]: a.key, [String(b.id)]: b.key });
    const missing = await api(emu, "POST", `/api/token/${theirs.id}/key`);
    expect(missing.json).toEqual({ success: false, message: "record not found" });
  });

  it("batch reveal refuses an empty list and more than 100 ids", async () => {
    expect((await api(emu, "POST", "/api/token/batch/keys", { body: { ids: [] } })).json.success).toBe(false);
    expect((await api(emu, "POST", "/api/token/batch/keys", { body: {} })).json.success).toBe(false);
    const ids = Array.from({ length: 101 }, (_, i) => i + 1);
    const r = await api(emu, "POST", "/api/token/batch/keys", { body: { ids } });
    expect(r.status).toBe(200);
    expect(r.json.success).toBe(false);
  });
});
