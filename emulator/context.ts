import type { EmulatorClock } from "./clock";
import type { RateLimiter } from "./rateLimit";
import type { EmulatorSwitches } from "./settings";
import type { EmulatorStore } from "./store";

/** Everything a handler needs; `switches` is live (changed at run time by the control API). */
export interface EmulatorContext {
  store: EmulatorStore;
  clock: EmulatorClock;
  switches: EmulatorSwitches;
  limiter: RateLimiter;
}

/** One parsed incoming request, as handlers see it. */
export interface RequestInfo {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** Caller address; IPv4-mapped IPv6 is reported as plain IPv4. */
  ip: string;
  body: string;
  /** Path parameters (`id`). */
  params: Record<string, string>;
}
