/**
 * No engine, no work (issue 21), without timing: a request that waited (a rate-limit pause, a
 * backoff, a connection slot) and every write asks the host's liveness check right before it goes
 * on the wire, so once the engine is gone nothing more reaches the service, however late the
 * host's own watch (a probe every second, or when the engine's connection closes) would notice.
 *
 * The engine is a TCP listener on 127.0.0.1 that the test closes, as the kernel closes a killed
 * CLI's; the check is the hosts' probe of that address. The provider runs at the production
 * defaults; the emulator counts every request it receives.
 */
import { createServer, type Server } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { engineListening, watchEngine } from "../../../provider/host/engineSignals";
import { CancelledError, CometApiClient, EngineGoneError } from "../../../provider/index";
import { useEmulator } from "../../support/emulatorHooks";
import { apiRequests, createKey, faultTaken, productionProvider } from "../../support/providerHarness";
import { waitFor } from "../../support/pulumiProcess";

const emu = useEmulator({ resetEach: true });

/** A stand-in for the engine's gRPC address: open until `close()`. */
let engine: Server;
let address: { host: string; port: number };

beforeEach(async () => {
  engine = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => engine.listen(0, "127.0.0.1", resolve));
  address = { host: "127.0.0.1", port: (engine.address() as { port: number }).port };
});
afterEach(async () => {
  if (engine.listening) await closeEngine();
});

function closeEngine(): Promise<void> {
  return new Promise((resolve, reject) => engine.close((error) => (error ? reject(error) : resolve())));
}

/** The provider at production defaults, with the hosts' check of the stand-in engine. */
function providerWatchingEngine() {
  const provider = productionProvider(emu);
  provider.whileEngineAlive(() => engineListening(address));
  return provider;
}

describe("no engine, no work", () => {
  it("a create held back by a 429 is not sent when the pause ends after the engine went", async () => {
    const provider = providerWatchingEngine();
    await emu.control.injectFault({
      method: "POST",
      route: "/api/token/",
      kind: "rate-limit",
      retryAfterSeconds: 2,
    });
    const created = createKey(provider, { name: "held-back", quota: 1000 });
    created.catch(() => undefined);
    await waitFor(
      "the create refused with 429",
      async () => (await apiRequests(emu))["POST /api/token/"] === 1,
    );
    await closeEngine();
    // The pause (Retry-After: 2 s) ends well before the hosts' watch probes again.
    const error = await created.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EngineGoneError);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toMatch(/create key.*not sent, the Pulumi engine is gone/);
    expect((await apiRequests(emu))["POST /api/token/"]).toBe(1);
    expect(await emu.control.keys()).toEqual([]);
  });

  it("a write is not sent once the engine is gone, even without a wait", async () => {
    const provider = providerWatchingEngine();
    await closeEngine();
    await expect(createKey(provider, { name: "never", quota: 1000 })).rejects.toBeInstanceOf(EngineGoneError);
    expect((await apiRequests(emu))["POST /api/token/"]).toBeUndefined();
    expect(await emu.control.keys()).toEqual([]);
  });

  it("a read that failed is not retried after its backoff once the engine is gone", async () => {
    const provider = providerWatchingEngine();
    const { id, outs } = await createKey(provider, { name: "kept", quota: 1000 });
    await emu.control.injectFault({ method: "GET", route: "/api/token/:id", kind: "status", status: 503 });
    await emu.control.resetCounts();
    await closeEngine();
    // A read with no wait still goes (as after a cancel); its retry after the 503 does not.
    await expect(provider.read(id, outs)).rejects.toBeInstanceOf(EngineGoneError);
    expect(await apiRequests(emu)).toEqual({ "GET /api/token/:id": 1 });
  });

  it("a request queued for a connection slot is not sent when it gets one after the engine went", async () => {
    const client = new CometApiClient({ baseUrl: emu.url, accessToken: emu.accessToken, userId: emu.userId });
    client.whileEngineAlive(() => engineListening(address));
    const key = await emu.control.createKeyDirect(emu.userId, { name: "slow", remain_quota: 10 });
    // The eight connection slots (the default) are held by slow reads; a ninth queues.
    const slow = await emu.control.injectFault({
      method: "GET",
      route: "/api/token/:id",
      kind: "latency",
      latencyMs: 1_500,
      times: 8,
    });
    await emu.control.resetCounts();
    const reads = Array.from({ length: 9 }, () =>
      client.getKey(key.id).then(
        () => "read",
        (e: unknown) => e,
      ),
    );
    await faultTaken(emu, slow.id); // eight reads arrived and are held
    await closeEngine();
    const results = await Promise.all(reads);
    expect(results.slice(0, 8)).toEqual(Array(8).fill("read"));
    expect(results[8]).toBeInstanceOf(EngineGoneError);
    expect(await apiRequests(emu)).toEqual({ "GET /api/token/:id": 8 });
    await client.close();
  });
});

describe("the hosts' engine watch", () => {
  it("answers alive while the engine listens, then false and calls onGone once", async () => {
    let gone = 0;
    const watch = watchEngine(address, () => {
      gone += 1;
    });
    try {
      expect(await watch.alive()).toBe(true);
      expect(gone).toBe(0);
      await closeEngine();
      expect(await watch.alive()).toBe(false);
      expect(await watch.alive()).toBe(false);
      expect(gone).toBe(1);
    } finally {
      watch.stop();
    }
  });
});
