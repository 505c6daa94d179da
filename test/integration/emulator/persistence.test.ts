import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../../emulator/index";
import { api, createKey } from "./helpers";

const dir = mkdtempSync(join(tmpdir(), "cometapi-emu-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("persistence", () => {
  it("keys, users, credentials and the id counter survive a restart; ids never repeat", async () => {
    const file = join(dir, "store.json");
    const first = await startEmulator({ dataFile: file, users: 2 });
    const a = await createKey(first, { name: "a", remain_quota: 123 });
    const b = await createKey(first, { name: "b" });
    await api(first, "DELETE", `/api/token/${b.id}`);
    await first.close();

    const second = await startEmulator({ dataFile: file });
    try {
      expect(second.accessToken).toBe(first.accessToken);
      expect(second.userId).toBe(first.userId);
      expect(second.adminToken).toBe(first.adminToken);
      expect(second.users).toHaveLength(2);
      const list = await api(second, "GET", "/api/token/");
      expect(list.json.data.items.map((i: { id: number }) => i.id)).toEqual([a.id]);
      expect((await second.control.keys())[0]).toMatchObject({ key: a.key, remain_quota: 123 });
      const c = await createKey(second, { name: "c" });
      expect(c.id).toBeGreaterThan(b.id);
    } finally {
      await second.close();
    }
  });

  it("the file is replaced atomically (no temp files left) and is valid JSON", async () => {
    const file = join(dir, "atomic.json");
    const emu = await startEmulator({ dataFile: file });
    for (let i = 0; i < 20; i++) await api(emu, "POST", "/api/token/", { body: { name: `n${i}` } });
    await emu.control.flush();
    const snap = JSON.parse(readFileSync(file, "utf8")) as { tokens: unknown[] };
    expect(snap.tokens).toHaveLength(20);
    await emu.close();
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("ids never repeat even after reset()", async () => {
    const file = join(dir, "reset.json");
    const emu = await startEmulator({ dataFile: file });
    const a = await createKey(emu);
    await emu.control.reset();
    const b = await createKey(emu);
    expect(b.id).toBeGreaterThan(a.id);
    await emu.close();
  });

  it("a corrupt store is refused at start rather than silently emptied", async () => {
    const file = join(dir, "corrupt.json");
    writeFileSync(file, '{"version": 1, "tok');
    await expect(startEmulator({ dataFile: file })).rejects.toThrow(/cannot parse/);
  });

  it("in memory by default: a new emulator starts empty", async () => {
    const one = await startEmulator();
    await createKey(one);
    await one.close();
    const two = await startEmulator();
    expect(await two.control.keys()).toEqual([]);
    await two.close();
  });
});
