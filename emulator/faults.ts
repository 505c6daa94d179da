/**
 * Fault injection per route and method. A fault matches a request by method and route pattern
 * (as in request counts, e.g. "POST /api/token/", or "*"), lets `skip` matching requests through,
 * then hits `times` of them (0 = every one until cleared).
 */

export type FaultKind =
  | "latency"
  | "status"
  | "rate-limit"
  | "reset"
  | "timeout"
  | "malformed-json"
  | "lost-response"
  | "business-error"
  | "late-commit"
  | "twin-create"
  | "charge";

export interface FaultSpec {
  method: "GET" | "POST" | "PUT" | "DELETE" | "*";
  /** A route pattern as in request counts (e.g. "GET /api/token/:id" uses "/api/token/:id"), or "*". */
  route: string;
  kind: FaultKind;
  /** Kind "status": the HTTP status to answer. @default 503 */
  status?: 500 | 502 | 503;
  /** Kind "rate-limit": send `Retry-After` with this many seconds; none when unset. */
  retryAfterSeconds?: number;
  /** Kind "latency": added delay. @default 1000 */
  latencyMs?: number;
  /** Kind "business-error": the message of the HTTP 200 `success:false` answer. @default "emulated business error" */
  message?: string;
  /**
   * Kind "late-commit": the request is applied this long after it arrived, while the client got
   * no answer (a commit that lands after the client gave up). @default 5000
   */
  commitAfterMs?: number;
  /**
   * Kind "late-commit": drop the connection at once (the client sees a reset) instead of
   * holding it open until the client's own timeout. @default false
   */
  dropConnection?: boolean;
  /**
   * Kind "charge": the quota charged to the key the request names (body `id` or path `:id`)
   * just before the request is handled, as if the key was used between the client's read and
   * its write. @default 1000
   */
  quota?: number;
  /** How many matching requests it hits; 0 = every one until cleared. @default 1 */
  times?: number;
  /** Matching requests let through before it starts hitting. @default 0 */
  skip?: number;
}

export interface ActiveFault extends FaultSpec {
  id: string;
  /** Matching requests seen so far. */
  seen: number;
  /** Requests hit so far. */
  hits: number;
}

const KINDS: readonly FaultKind[] = [
  "latency",
  "status",
  "rate-limit",
  "reset",
  "timeout",
  "malformed-json",
  "lost-response",
  "business-error",
  "late-commit",
  "twin-create",
  "charge",
];

export class FaultError extends Error {}

function optionalCount(name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
    throw new FaultError(`${name} must be an integer >= 0`);
  return v;
}

/** Validates a fault description received over the control API. */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new FaultError("fault must be a JSON object");
  }
  const o = input as Record<string, unknown>;
  const method = o.method ?? "*";
  if (method !== "GET" && method !== "POST" && method !== "PUT" && method !== "DELETE" && method !== "*") {
    throw new FaultError("method must be GET, POST, PUT, DELETE or *");
  }
  const route = o.route ?? "*";
  if (typeof route !== "string" || route === "") throw new FaultError("route must be a non-empty string");
  if (typeof o.kind !== "string" || !KINDS.includes(o.kind as FaultKind)) {
    throw new FaultError(`kind must be one of ${KINDS.join(", ")}`);
  }
  const spec: FaultSpec = { method, route, kind: o.kind as FaultKind };
  if (o.status !== undefined) {
    if (o.status !== 500 && o.status !== 502 && o.status !== 503)
      throw new FaultError("status must be 500, 502 or 503");
    spec.status = o.status;
  }
  const retryAfter = optionalCount("retryAfterSeconds", o.retryAfterSeconds);
  if (retryAfter !== undefined) spec.retryAfterSeconds = retryAfter;
  if (o.latencyMs !== undefined) {
    if (typeof o.latencyMs !== "number" || !(o.latencyMs >= 0))
      throw new FaultError("latencyMs must be >= 0");
    spec.latencyMs = o.latencyMs;
  }
  if (o.message !== undefined) {
    if (typeof o.message !== "string") throw new FaultError("message must be a string");
    spec.message = o.message;
  }
  const commitAfter = optionalCount("commitAfterMs", o.commitAfterMs);
  if (commitAfter !== undefined) spec.commitAfterMs = commitAfter;
  if (o.dropConnection !== undefined) {
    if (typeof o.dropConnection !== "boolean") throw new FaultError("dropConnection must be a boolean");
    spec.dropConnection = o.dropConnection;
  }
  const quota = optionalCount("quota", o.quota);
  if (quota !== undefined) spec.quota = quota;
  const times = optionalCount("times", o.times);
  if (times !== undefined) spec.times = times;
  const skip = optionalCount("skip", o.skip);
  if (skip !== undefined) spec.skip = skip;
  return spec;
}

/** A route given either as "/api/token/:id" or as "GET /api/token/:id" (method prefix ignored). */
function routePath(route: string): string {
  const space = route.indexOf(" ");
  return space >= 0 ? route.slice(space + 1) : route;
}

export class FaultRegistry {
  private faults: ActiveFault[] = [];
  private counter = 0;

  add(spec: FaultSpec): ActiveFault {
    const fault: ActiveFault = { ...spec, id: `fault-${++this.counter}`, seen: 0, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length !== before;
  }

  clear(): void {
    this.faults = [];
  }

  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** The first fault that hits this request, counting it; exhausted faults are dropped. */
  take(method: string, routePattern: string): ActiveFault | undefined {
    for (const fault of this.faults) {
      if (fault.method !== "*" && fault.method !== method) continue;
      if (fault.route !== "*" && routePath(fault.route) !== routePattern) continue;
      fault.seen++;
      if (fault.seen <= (fault.skip ?? 0)) continue;
      fault.hits++;
      const times = fault.times ?? 1;
      if (times !== 0 && fault.hits >= times) this.remove(fault.id);
      return { ...fault };
    }
    return undefined;
  }
}
