/**
 * The connection's pause after a 429, step by step on a fake clock: how long it lasts and who
 * tests the limit when it ends.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type GateTicket, RateLimitGate } from "../../provider/transport/rateLimitGate";

const FAR = Number.MAX_SAFE_INTEGER;

/** The ticket `enter` gave, or "waiting" while it has not returned. */
function track(ticket: Promise<GateTicket>): () => GateTicket | "waiting" {
  let result: GateTicket | "waiting" = "waiting";
  void ticket.then((t) => {
    result = t;
  });
  return () => result;
}

describe("RateLimitGate", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    vi.spyOn(Math, "random").mockReturnValue(1); // no jitter: the pause is exactly the doubling
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it("pauses once for the eight requests in flight when the limit hit, not eight times longer", async () => {
    const gate = new RateLimitGate(1_000, 20_000);
    for (let i = 0; i < 8; i += 1) gate.refused(undefined, false);
    const next = track(gate.enter(FAR));
    await vi.advanceTimersByTimeAsync(999);
    expect(next()).toBe("waiting");
    await vi.advanceTimersByTimeAsync(1);
    expect(next()).toBe("probe");
  });

  it("doubles the pause when the probe is refused, and starts over once a request gets through", async () => {
    const gate = new RateLimitGate(1_000, 20_000);
    gate.refused(undefined, false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await gate.enter(FAR)).toBe("probe");
    gate.refused(undefined, true);
    gate.release();
    const second = track(gate.enter(FAR));
    await vi.advanceTimersByTimeAsync(1_999);
    expect(second()).toBe("waiting");
    await vi.advanceTimersByTimeAsync(1);
    expect(second()).toBe("probe");
    gate.admitted();
    gate.release();
    expect(gate.limited).toBe(false);
    gate.refused(undefined, false);
    const third = track(gate.enter(FAR));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(third()).toBe("probe");
  });

  it("lets an urgent request probe first when the pause ends, then the others go", async () => {
    const gate = new RateLimitGate(1_000, 20_000);
    gate.refused(undefined, false);
    const onWait = vi.fn();
    const creates = [track(gate.enter(FAR, { onWait })), track(gate.enter(FAR, { onWait }))];
    const listing = track(gate.enter(FAR, { urgent: true }));
    expect(onWait).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(listing()).toBe("probe");
    expect(creates.map((c) => c())).toEqual(["waiting", "waiting"]);
    gate.admitted();
    gate.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(creates.map((c) => c())).toEqual(["go", "go"]);
    expect(onWait).toHaveBeenCalledTimes(2); // once per request, however long it waited
  });
});
