/**
 * The service's rate limiter (new-api: a sliding window, 429 with an empty body and no
 * Retry-After): every operation still completes, the connection pauses as one instead of
 * sending a storm of 429s, and the retry budget bounds how long an operation waits.
 */
import { describe, expect, it } from "vitest";
import { KeyInitializationError, RateLimitedError } from "../../../provider/index";
import { useEmulator } from "../../support/emulatorHooks";
import { createKey, testProvider } from "../../support/providerHarness";

const emu = useEmulator();

async function statusCounts(): Promise<{ ok: number; limited: number }> {
  let ok = 0;
  let limited = 0;
  for (const [route, c] of Object.entries(await emu.control.requestCounts())) {
    if (!route.includes(" /api/")) continue;
    ok += c.byStatus["200"] ?? 0;
    limited += c.byStatus["429"] ?? 0;
  }
  return { ok, limited };
}

/** A fresh emulator whose management routes allow `maxRequests` per `windowSeconds`. */
async function limitTo(maxRequests: number, windowSeconds: number): Promise<void> {
  await emu.control.reset();
  await emu.control.setSwitches({
    rateLimits: {
      windowSeconds,
      maxRequests,
      searchPerMinute: 10,
      revealWindowSeconds: 1200,
      revealMax: 1000,
    },
  });
}

describe("under the service's rate limit", () => {
  it("completes every create and pauses as one connection", async () => {
    await limitTo(15, 2);
    const p = testProvider(emu, {
      http: { retryBaseDelayMs: 50, retryMaxDelayMs: 1_000, retryBudgetMs: 30_000 },
    });
    const keys = await Promise.all(
      Array.from({ length: 40 }, (_, i) => createKey(p, { name: `rl-${i}`, quota: 10 })),
    );
    expect(new Set(keys.map((k) => k.id)).size).toBe(40);
    expect(await emu.control.keys()).toHaveLength(40);
    const { ok, limited } = await statusCounts();
    console.log(`rate-limited creates: ${ok} answered requests, ${limited} refused with 429`);
    expect(limited).toBeGreaterThan(0); // the limit was really hit
    // One pause for the connection, then one probe: at most the requests in flight when the
    // limit hit (8) plus a probe per pause are refused, fewer than are answered. Each request
    // retrying on its own timer drew over 15,000 refusals here.
    expect(limited).toBeLessThan(ok);
  });

  it("gives up with a clear error when the budget runs out", async () => {
    await limitTo(3, 600);
    const p = testProvider(emu, {
      http: { retryBaseDelayMs: 50, retryMaxDelayMs: 200, retryBudgetMs: 1_000 },
    });
    const reads = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => p.read(String(i + 1), {})));
    const refused = reads
      .filter((r) => r.status === "rejected")
      .map((r) => (r as PromiseRejectedResult).reason);
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) {
      expect(error).toBeInstanceOf(RateLimitedError);
      expect(String(error.message)).toMatch(/^read key \d+: .*rate limited/);
    }
  });
});

describe("under the stricter reveal limit", () => {
  it("holds back only reveals: other calls go on while a reveal waits", async () => {
    await emu.control.reset();
    const p = testProvider(emu, {
      http: { retryBaseDelayMs: 50, retryMaxDelayMs: 300, retryBudgetMs: 2_000 },
    });
    const first = await createKey(p, { name: "first", quota: 1 });
    // Every reveal is now refused with Retry-After: 5, longer than any call's budget here.
    await emu.control.injectFault({
      method: "POST",
      route: "/api/token/:id/key",
      kind: "rate-limit",
      retryAfterSeconds: 5,
      times: 0,
    });
    const second = createKey(p, { name: "second", quota: 1 }).catch((e: unknown) => e);
    for (let i = 0; i < 100; i += 1) {
      const refused = (await emu.control.requestCounts())["POST /api/token/:id/key"]?.byStatus["429"] ?? 0;
      if (refused > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Paused along with the reveal, this read would outlast its budget and fail.
    const read = await p.read(first.id, first.outs);
    expect(read.id).toBe(first.id);
    const error = await second;
    expect(error).toBeInstanceOf(KeyInitializationError); // the key is recorded; the next up reveals it
    expect((error as Error).message).toMatch(/reveal key \d+: .*rate limited/);
  });
});
