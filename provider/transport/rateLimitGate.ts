/**
 * `RateLimitGate`: what every request of one connection does after a 429.
 *
 * new-api's limiter is a sliding window that does not count refused requests. Its 429s carry a
 * `Retry-After` of the limit's full window on upstream builds since 2026-08, and none on older
 * ones. Retrying each request on its own timer would send a storm of 429s and still start late.
 * Instead, after a 429 the whole connection pauses (`Retry-After` when given, else a doubling
 * pause with jitter up to a cap); when the pause ends a single probe request goes out,
 * and the others follow only once it got through. An urgent request (a listing or a reveal that
 * finishes work already done) is the probe when one is waiting: under a steady limit the probe
 * may be the only request that gets through, and it must not always be another create. The
 * pause doubles once per refused probe, not once per request that was already in flight when
 * the limit hit.
 */
export type GateTicket = "go" | "probe" | "deadline";

export class RateLimitGate {
  private pausedUntil = 0;
  /** The last `Retry-After` the server sent during the current pause. */
  private retryAfterMs: number | undefined;
  private consecutive = 0;
  private probing = false;
  /** Urgent requests inside `enter`: while there are any, only they may probe. */
  private urgentWaiting = 0;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly firstPauseMs: number,
    private readonly maxPauseMs: number,
  ) {}

  /** True while requests are held back. */
  get limited(): boolean {
    return this.pausedUntil !== 0;
  }

  /** How long the current pause still lasts (ms; 0 when none), and the server's `Retry-After` (ms) behind it, if any. */
  get pause(): { remainingMs: number; retryAfterMs?: number } {
    const remainingMs = Math.max(0, this.pausedUntil - Date.now());
    return this.retryAfterMs === undefined
      ? { remainingMs }
      : { remainingMs, retryAfterMs: this.retryAfterMs };
  }

  /**
   * Waits until a request may go: `"go"` when nothing is limited, `"probe"` when this request is
   * the one that tests the limit (call `release` after it), `"deadline"` when the wait would pass
   * `deadline` (epoch ms) or `signal` aborts (a cancelled run waits for nothing). `onWait` runs
   * once, when the request has to wait. An `urgent` request becomes the probe before any other.
   */
  async enter(
    deadline: number,
    options: { urgent?: boolean; onWait?: () => void; signal?: AbortSignal } = {},
  ): Promise<GateTicket> {
    const { signal } = options;
    const urgent = options.urgent === true;
    let waiting = false;
    const wait = () => {
      if (!waiting) options.onWait?.();
      waiting = true;
    };
    if (urgent) this.urgentWaiting += 1;
    try {
      for (;;) {
        if (this.pausedUntil === 0) return "go";
        const now = Date.now();
        if (this.pausedUntil > now) {
          if (this.pausedUntil > deadline || signal?.aborted) return "deadline";
          wait();
          await sleep(this.pausedUntil - now, signal);
          continue;
        }
        if (!this.probing && (urgent || this.urgentWaiting === 0)) {
          this.probing = true;
          return "probe";
        }
        if (now >= deadline || signal?.aborted) return "deadline";
        wait();
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            signal?.removeEventListener("abort", done);
            resolve();
          };
          const timer = setTimeout(done, deadline - now);
          signal?.addEventListener("abort", done);
          this.waiters.push(done);
        });
      }
    } finally {
      if (urgent) this.urgentWaiting -= 1;
    }
  }

  /**
   * A request was refused with 429: pause everyone. The pause doubles when a probe is refused (or
   * a pause begins); a request that was already in flight when the pause began leaves it as it is.
   */
  refused(retryAfterMs: number | undefined, wasProbe: boolean): void {
    if (this.pausedUntil !== 0 && !wasProbe && retryAfterMs === undefined) return;
    this.consecutive += 1;
    const doubling = Math.min(this.maxPauseMs, this.firstPauseMs * 2 ** (this.consecutive - 1));
    const pause = retryAfterMs ?? doubling * (0.75 + Math.random() * 0.25);
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + pause);
  }

  /** A request got an answer that was not a 429: the window has room again. */
  admitted(): void {
    if (this.pausedUntil === 0) return;
    this.pausedUntil = 0;
    this.retryAfterMs = undefined;
    this.consecutive = 0;
    this.wake();
  }

  /** The probe is done (whatever its outcome): let the next request look at the gate. */
  release(): void {
    this.probing = false;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done);
  });
}
