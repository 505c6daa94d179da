/**
 * The request economy the service's rate limits allow: the fewest requests each phase can take,
 * the targets the provider is held to, and the ideal schedule of those requests under new-api's
 * default limits. Pure functions, no I/O (unit-tested in `test/unit/bench-args.test.ts`).
 *
 * Theoretical minimum per phase, for N keys and P = ⌈N/100⌉ (list pages of 100, batch reveals of
 * ≤ 100 ids), and I = 1 when the phase has a key to check, write or delete: who the token belongs
 * to (`GET /api/user/self`), asked once per run before the first ownership decision or write
 * (and at preview, so a configuration mistake fails there):
 *
 * | phase   | minimum          | why                                                                 |
 * |---------|------------------|---------------------------------------------------------------------|
 * | up      | I + N + P + P    | N creates (one each, no batch create); the create answers no id, so |
 * |         |                  | P list pages find them; P batch reveals fetch the masked key values |
 * | preview | I                | check/diff work on state, after the identity check                  |
 * | refresh | P                | one paged listing serves every read                                 |
 * | update  | I + N + P        | N full PUTs (no batch update); the live quota must be read first so |
 * |         |                  | usage is not reset: P list pages cover it                           |
 * | destroy | I + N            | N deletes (no batch delete)                                         |
 *
 * Targets (from the issues): up ≤ I + N + P + P (= its minimum; 429 retries reported
 * separately), refresh ≤ P + 2, preview ≤ I.
 *
 * Ideal schedule: requests are issued as early as three things allow: (1) the order within a
 * phase (up: all creates, then the listing, then the reveals; update: listing, then the PUTs),
 * (2) `parallel` requests in flight at once, each taking `latencyMs`, and (3) the emulator's
 * sliding windows, which carry over from phase to phase: at most `maxRequests` requests in any
 * `windowSeconds` on every /api route, and at most `revealMax` reveal calls in any
 * `revealWindowSeconds`. With 180 per 180 s (the 2026-03 build's default) that is the first 180 requests at
 * once, the 181st to 360th exactly 180 s after the 1st to 180th, and so on: a request k
 * (0-based) goes no earlier than ⌊k/180⌋ × 180 s. The ideal leaves out the engine's own work
 * (plugin start, state writes), which the no-op baseline measures.
 */

export const PHASES = ["up", "preview", "refresh", "update", "destroy"] as const;
export type Phase = (typeof PHASES)[number];

/** Largest list page and batch reveal the service serves. */
export const PAGE = 100;

/** ⌈n/100⌉: list pages (or batch reveals) that cover n keys. */
export function pagesFor(n: number): number {
  return n <= 0 ? 0 : Math.ceil(n / PAGE);
}

/** One group of requests that may run in parallel; the next group starts when this one is done. */
export interface Stage {
  requests: number;
  /** Counts against the reveal limit too. */
  reveal?: boolean;
}

/** The requests of a phase at the theoretical minimum, in the order they must happen. */
export function minimumStages(phase: Phase, n: number): Stage[] {
  const p = pagesFor(n);
  const identity = n > 0 ? 1 : 0;
  switch (phase) {
    case "up":
      return [{ requests: identity }, { requests: n }, { requests: p }, { requests: p, reveal: true }].filter(
        (s) => s.requests > 0,
      );
    case "preview":
      return identity > 0 ? [{ requests: identity }] : [];
    case "refresh":
      return p > 0 ? [{ requests: p }] : [];
    case "update":
      return [{ requests: identity }, { requests: p }, { requests: n }].filter((s) => s.requests > 0);
    case "destroy":
      return [{ requests: identity }, { requests: n }].filter((s) => s.requests > 0);
  }
}

/** The fewest requests `phase` can make for `n` keys. */
export function minimumRequests(phase: Phase, n: number): number {
  return minimumStages(phase, n).reduce((sum, s) => sum + s.requests, 0);
}

/** The request target for a phase, or undefined when it sets none. */
export function requestTarget(phase: Phase, n: number): number | undefined {
  switch (phase) {
    case "up":
      return minimumRequests("up", n);
    case "preview":
      return minimumRequests("preview", n);
    case "refresh":
      return pagesFor(n) + 2;
    default:
      return undefined;
  }
}

/** Requests divided by the minimum; a phase whose minimum is 0 has ratio 1 at 0 requests, else Infinity. */
export function requestRatio(requests: number, minimum: number): number {
  if (minimum === 0) return requests === 0 ? 1 : Number.POSITIVE_INFINITY;
  return requests / minimum;
}

/** The service's limits as the schedule sees them; undefined = unlimited. */
export interface ScheduleLimits {
  windowSeconds: number;
  maxRequests: number;
  revealWindowSeconds: number;
  revealMax: number;
}

export interface ScheduleOptions {
  latencyMs: number;
  /** Requests in flight at once (the engine's parallelism bounds the provider's). */
  parallel: number;
  limits?: ScheduleLimits;
}

export interface PhaseSchedule {
  phase: Phase;
  startMs: number;
  endMs: number;
  durationMs: number;
  requests: number;
}

/**
 * The earliest schedule of `phases` run one after the other (rate-limit windows carried over),
 * each at its minimum request count.
 */
export function idealSchedule(
  phases: readonly Phase[],
  n: number,
  options: ScheduleOptions,
): PhaseSchedule[] {
  const hits: number[] = [];
  const revealHits: number[] = [];
  const limits = options.limits;
  const parallel = Math.max(1, Math.floor(options.parallel));
  let now = 0;
  const result: PhaseSchedule[] = [];
  for (const phase of phases) {
    const startMs = now;
    let requests = 0;
    for (const stage of minimumStages(phase, n)) {
      const slots = Array.from({ length: Math.min(parallel, stage.requests) }, () => now);
      let stageEnd = now;
      for (let k = 0; k < stage.requests; k += 1) {
        let slot = 0;
        for (let i = 1; i < slots.length; i += 1)
          if ((slots[i] as number) < (slots[slot] as number)) slot = i;
        let send = slots[slot] as number;
        if (limits) {
          send = Math.max(send, permitTime(hits, limits.maxRequests, limits.windowSeconds * 1000));
          if (stage.reveal) {
            send = Math.max(
              send,
              permitTime(revealHits, limits.revealMax, limits.revealWindowSeconds * 1000),
            );
          }
        }
        hits.push(send);
        if (stage.reveal) revealHits.push(send);
        const end = send + options.latencyMs;
        slots[slot] = end;
        stageEnd = Math.max(stageEnd, end);
        requests += 1;
      }
      now = stageEnd;
    }
    result.push({ phase, startMs, endMs: now, durationMs: now - startMs, requests });
  }
  return result;
}

/**
 * Earliest time a new request passes a sliding window that already holds `hits` (ascending send
 * times): the window drops a hit once `now - windowMs >= hit`.
 */
export function permitTime(hits: readonly number[], max: number, windowMs: number): number {
  if (hits.length < max) return 0;
  return (hits[hits.length - max] as number) + windowMs;
}
