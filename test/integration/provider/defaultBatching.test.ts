/**
 * Every batching path at the provider's production defaults (`productionProvider`: no test
 * tuning, except where a comment says why), through real HTTP against the emulator: the id-resolution listings, the reads of a
 * refresh and of an update wave, and the reveal gather. The step-by-step rules are unit-tested in
 * test/unit/batching.test.ts; these show they hold with real timers and sockets.
 */
import { describe, expect, it } from "vitest";
import { CometApiClient } from "../../../provider/client";
import { CreatedKeyResolver } from "../../../provider/createdKeyResolver";
import { useEmulator } from "../../support/emulatorHooks";
import { apiRequests, createKey, productionProvider, updateKey } from "../../support/providerHarness";
import { fieldsNamed } from "../../support/scriptedClient";

const emu = useEmulator({ resetEach: true });

/** 30 keys made by another provider process, with the request counts reset afterwards. */
async function thirtyKeys(prefix: string) {
  const setup = productionProvider(emu);
  const keys = await Promise.all(
    Array.from({ length: 30 }, (_, i) => createKey(setup, { name: `${prefix}${i}`, quota: 100 })),
  );
  await emu.control.resetCounts();
  return keys;
}

describe("batching at the production defaults", () => {
  it("16 parallel creates each claim their own key and share one reveal", async () => {
    const p = productionProvider(emu);
    const created = await Promise.all(
      Array.from({ length: 16 }, (_, i) => createKey(p, { name: `parallel-${i}`, quota: 100 })),
    );
    const byId = new Map((await emu.control.keys()).map((k) => [String(k.id), k.name]));
    expect(created.map((c) => byId.get(c.id))).toEqual(created.map((c) => c.outs.name));
    expect(new Set(created.map((c) => c.id)).size).toBe(16);
    const counts = await apiRequests(emu);
    expect(counts["POST /api/token/"]).toBe(16);
    expect(counts["POST /api/token/batch/keys"]).toBe(1);
  });

  it("gives a finished create its id while another create's answer is held back", async () => {
    // The resolver alone, so the id is observable before the reveal (which waits for the held-back
    // create by design). Test-only tuning: the listing waits 500 ms for the held-back create
    // instead of the default 30 s; the default is the same code path, stepped on a fake clock in
    // test/unit/batching.test.ts.
    const client = new CometApiClient({ baseUrl: emu.url, accessToken: emu.accessToken, userId: emu.userId });
    const resolver = new CreatedKeyResolver(client, { maxGatherMs: 500 });
    await resolver.createKey(fieldsNamed("baseline"));
    await emu.control.injectFault({
      method: "POST",
      route: "/api/token/",
      kind: "latency",
      latencyMs: 3_000,
    });
    const slow = resolver.createKey(fieldsNamed("slow"));
    let slowDone = false;
    void slow.then(() => {
      slowDone = true;
    });
    const quick = await resolver.createKey(fieldsNamed("quick"));
    expect(quick.name).toBe("quick");
    expect(slowDone).toBe(false);
    expect((await slow).name).toBe("slow");
    await client.close();
  });

  it("reads the live records of 30 updates from one listing", async () => {
    const keys = await thirtyKeys("u");
    const p = productionProvider(emu);
    await Promise.all(keys.map((k, i) => updateKey(p, k.id, k, { name: `renamed-${i}`, quota: 100 })));
    // The first update's read lists the (small) account at once; the 29 that arrive meanwhile are
    // served by that listing, which is less than 2 s old.
    expect(await apiRequests(emu)).toEqual({ "GET /api/token/": 1, "PUT /api/token/": 30 });
  });

  it("refreshes 30 keys with one GET and one listing", async () => {
    const keys = await thirtyKeys("r");
    const p = productionProvider(emu);
    const reads = await Promise.all(keys.map((k) => p.read(k.id, k.outs)));
    expect(reads.map((r) => r.id)).toEqual(keys.map((k) => k.id));
    expect(await apiRequests(emu)).toEqual({ "GET /api/token/:id": 1, "GET /api/token/": 1 });
  });
});
