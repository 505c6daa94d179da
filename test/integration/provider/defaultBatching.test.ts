/**
 * Every batching path at the provider's production defaults (`productionProvider`: no test
 * tuning, except where a comment says why), through real HTTP against the emulator: the id-resolution listings, the reads of a
 * refresh and of an update wave, and the reveal gather. The step-by-step rules are unit-tested in
 * test/unit/batching.test.ts; these show they hold with real timers and sockets.
 */
import { describe, expect, it } from "vitest";
import { CreatedKeyResolver } from "../../../provider/key/createdKeyResolver";
import { CometApiClient } from "../../../provider/service/client";
import { useEmulator } from "../../support/emulatorHooks";
import {
  apiRequests,
  createKey,
  outcome,
  productionProvider,
  updateKey,
} from "../../support/providerHarness";
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

  it("gives a finished create its id while another create is still on the wire", async () => {
    // The resolver alone, so the id is observable before the reveal. Test-only tuning: the listing
    // waits 500 ms for the create on the wire instead of the default 30 s; the default is the
    // same code path, stepped on a fake clock in test/unit/batching.test.ts.
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

  it("gives a finished create its id and value while the rate limit holds another create back", async () => {
    const p = productionProvider(emu);
    await createKey(p, { name: "warm-up", quota: 100 });
    // The second of the next two creates is refused with 429 (Retry-After 1 s) three times: the
    // connection pauses three times while it waits, about 3 s.
    await emu.control.injectFault({
      method: "POST",
      route: "/api/token/",
      kind: "rate-limit",
      retryAfterSeconds: 1,
      skip: 1,
      times: 3,
    });
    const quick = createKey(p, { name: "quick", quota: 100 });
    const held = outcome(createKey(p, { name: "held", quota: 100 }));
    const done = await quick;
    // Its listing and reveal went as the first pauses ended, before the held create got through.
    expect(done.outs.name).toBe("quick");
    expect(done.outs.key).toMatch(/^sk-[0-9A-Za-z]{48}$/);
    expect((await emu.control.keys()).map((k) => k.name).sort()).toEqual(["quick", "warm-up"]);
    const late = await held;
    expect(late.ok && late.value.outs.name).toBe("held");
    const counts = await emu.control.requestCounts();
    expect(counts["POST /api/token/"]?.byStatus).toEqual({ "200": 3, "429": 3 });
  });

  it("sends a listing ahead of the creates queued for a connection slot", async () => {
    const client = new CometApiClient({ baseUrl: emu.url, accessToken: emu.accessToken, userId: emu.userId });
    // The default 8 connection slots are taken by 8 slow creates; two more creates queue, then a listing.
    await emu.control.injectFault({
      method: "POST",
      route: "/api/token/",
      kind: "latency",
      latencyMs: 300,
      times: 8,
    });
    const sent: string[] = [];
    const creates = Array.from({ length: 10 }, (_, i) =>
      client.createKey(fieldsNamed(`c${i}`), { onSend: () => sent.push(`c${i}`) }),
    );
    const listing = client.listKeys({ onSend: () => sent.push("list") });
    await Promise.all([...creates, listing]);
    expect(sent).toEqual(["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "list", "c8", "c9"]);
    await client.close();
  });

  it("reads the live records of 30 updates from one listing", async () => {
    const keys = await thirtyKeys("u");
    const p = productionProvider(emu);
    await Promise.all(keys.map((k, i) => updateKey(p, k.id, k, { name: `renamed-${i}`, quota: 100 })));
    // The first update's read lists the (small) account at once; the 29 that arrive meanwhile are
    // served by that listing, which is less than 2 s old. Whose token it is, is asked once.
    expect(await apiRequests(emu)).toEqual({
      "GET /api/user/self": 1,
      "GET /api/token/": 1,
      "PUT /api/token/": 30,
    });
  });

  it("refreshes 30 keys with one GET and one listing", async () => {
    const keys = await thirtyKeys("r");
    const p = productionProvider(emu);
    const reads = await Promise.all(keys.map((k) => p.read(k.id, k.outs)));
    expect(reads.map((r) => r.id)).toEqual(keys.map((k) => k.id));
    expect(await apiRequests(emu)).toEqual({ "GET /api/token/:id": 1, "GET /api/token/": 1 });
  });
});
