/**
 * The HTTP layer: one undici agent with keep-alive, connect and request timeouts, a bounded
 * number of requests in flight, and retries with full jitter inside a total time budget.
 *
 * Retry rules follow what a request can have done on the server:
 * - `idempotent` requests (GET, DELETE, status-only PUT, key reveal) retry on network errors,
 *   malformed answers, 408, 429 and 5xx;
 * - `not-if-sent` requests (create, full update) retry only when the server provably did not run
 *   them: 429 (the rate limiter answers before any handler) and connections that never opened.
 *   Anything else becomes an `OutcomeUnknownError` for the caller to reconcile by reading back.
 *
 * The service answers business errors as HTTP 200 `success:false`; those become typed errors and
 * are never retried. The access token is sent as a header and appears in no error or log.
 *
 * A host that can tell whether its Pulumi engine is still there (`whileEngineAlive`) is asked
 * right before a request goes on the wire after any wait (a rate-limit pause, a backoff, a
 * connection slot) and before every write and reveal: once the engine is gone nothing more is
 * sent, whatever the timing of the host's own watch.
 */
import { Agent, request, errors as undiciErrors } from "undici";
import type { z } from "zod";
import {
  ApiBusinessError,
  AuthenticationError,
  CancelledError,
  type CometApiError,
  ConfigurationError,
  EngineGoneError,
  HttpStatusError,
  NetworkError,
  OutcomeUnknownError,
  RateLimitedError,
  RecordNotFoundError,
  ResponseShapeError,
} from "../errors/index.js";
import { envelopeSchema } from "./envelope.js";
import { firstNonHeaderCharacter } from "./headers.js";
import { RateLimitGate, sleep } from "./rateLimitGate.js";

/** Tuning of the HTTP layer. Every field is optional. */
export interface HttpOptions {
  /**
   * Time to open a connection.
   * @default 10_000
   * @example { connectTimeoutMs: 3_000 }
   */
  connectTimeoutMs?: number;
  /**
   * Time for one request, from sending to the last byte of the answer.
   * @default 30_000
   * @example { requestTimeoutMs: 5_000 }
   */
  requestTimeoutMs?: number;
  /**
   * Requests in flight at once; the rest queue.
   * @default 8
   * @example { maxConcurrentRequests: 4 }
   */
  maxConcurrentRequests?: number;
  /**
   * Total time one call may spend on retries and waiting out rate limits. The default covers one
   * full window of new-api's management rate limit (180 s); a longer wait the server asks for
   * (`Retry-After`, e.g. the key-reveal limit's 20 minutes) ends the call at once with an error
   * that says how long to wait.
   * @default 300_000
   * @example { retryBudgetMs: 60_000 }
   */
  retryBudgetMs?: number;
  /**
   * First retry delay; later ones double, with full jitter, up to `retryMaxDelayMs`.
   * @default 250
   * @example { retryBaseDelayMs: 50 }
   */
  retryBaseDelayMs?: number;
  /**
   * Largest delay between two attempts (a larger `Retry-After` is still honoured).
   * @default 20_000
   * @example { retryMaxDelayMs: 5_000 }
   */
  retryMaxDelayMs?: number;
}

/** Where and as whom to connect. */
export interface HttpTarget {
  /** Base URL without the `/api` part, e.g. `https://api.cometapi.com`. */
  baseUrl: string;
  /** The personal access token; sent as `Authorization`, never logged. */
  accessToken: string;
  /** Sent as `New-Api-User` when set. */
  userId?: number;
}

export type RetryPolicy = "idempotent" | "not-if-sent";

export interface ApiRequest {
  /** For messages: `"list keys"`, `"update key 12"`. */
  operation: string;
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path with its query, e.g. `/api/token/?p=1&page_size=100`. */
  path: string;
  body?: unknown;
  retry: RetryPolicy;
  /**
   * The service's separate, much stricter limit this route falls under (new-api: key reveals,
   * 20 per 20 minutes): its 429s pause only the requests of that class.
   */
  limit?: "reveal";
  /**
   * Called right before each attempt goes on the wire (after any wait for a connection slot or a
   * rate-limit pause): the answer reflects the server's state from then on. Group commit uses it
   * to know which of its callers a listing is sure to include.
   */
  onSend?: () => void;
  /**
   * Called when an attempt has to wait out a rate-limit pause (after its own 429, or because the
   * connection is paused when its turn comes); `onSend` follows when it goes again. Batches use it
   * to stop waiting for a request the rate limit holds back.
   */
  onHeldBack?: () => void;
  /**
   * Goes ahead of queued requests for a connection slot: listings and reveals finish work that
   * creates already did, and must not queue behind the creates that start more.
   * @default false
   */
  urgent?: boolean;
  /**
   * A shorter retry budget for a request the caller can do without (the account's lists).
   * @default the transport's `retryBudgetMs`
   */
  retryBudgetMs?: number;
}

/** Counters, for the benchmark and for tests that prove request economy. */
export interface HttpStats {
  requests: number;
  retries: number;
  rateLimited: number;
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

const DEFAULTS: Required<HttpOptions> = {
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxConcurrentRequests: 8,
  retryBudgetMs: 300_000,
  retryBaseDelayMs: 250,
  retryMaxDelayMs: 20_000,
};

/** What one attempt ended with, before the retry decision. */
type Attempt =
  | { kind: "ok"; data: unknown }
  | { kind: "fail"; error: CometApiError; retry: boolean; retryAfterMs?: number; unreachable?: boolean };

/** Connection errors that mean the request never reached a server. */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
/** Attempts in a row that may find nothing listening before the call gives up (a few seconds). */
const MAX_UNREACHABLE_ATTEMPTS = 5;

export class HttpTransport {
  readonly stats: HttpStats = { requests: 0, retries: 0, rateLimited: 0 };
  private readonly options: Required<HttpOptions>;
  private readonly agent: Agent;
  private readonly slots: Semaphore;
  /** Seconds to add to the local clock to get the server's clock (from `Date` headers). */
  private serverClockOffset = 0;
  /** After a 429 every request waits, and one probe tests the limit: no retry storm. */
  private readonly gate: RateLimitGate;
  /** The same for the reveal routes, which have a limit of their own. */
  private readonly revealGate: RateLimitGate;
  /** Aborted by `cancel()`: every wait ends, and nothing new is sent but reads that need no wait. */
  private readonly cancellation = new AbortController();
  /** The host's check that its engine is still there (`whileEngineAlive`). */
  private engineAlive: (() => Promise<boolean>) | undefined;
  /** The check answered no: nothing more is sent, ever. */
  private engineGone = false;

  constructor(
    private readonly target: HttpTarget,
    options: HttpOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...stripUndefined(options) };
    this.agent = new Agent({
      keepAliveTimeout: 10_000,
      connections: this.options.maxConcurrentRequests,
      connect: { timeout: this.options.connectTimeoutMs },
    });
    this.slots = new Semaphore(this.options.maxConcurrentRequests);
    this.gate = new RateLimitGate(this.options.retryBaseDelayMs * 4, this.options.retryMaxDelayMs);
    this.revealGate = new RateLimitGate(this.options.retryBaseDelayMs * 4, this.options.retryMaxDelayMs);
  }

  /** The server's current time in unix seconds, as its `Date` headers tell. */
  serverNow(): number {
    return Math.floor(Date.now() / 1000) + this.serverClockOffset;
  }

  /** Sends the request (retrying as its policy allows) and returns the validated `data`. */
  async call<T>(req: ApiRequest, dataSchema: z.ZodType<T>): Promise<T> {
    // undici refuses such a header and, in doing so, keeps a connection slot: never let it see one.
    if (firstNonHeaderCharacter(this.target.accessToken) !== undefined) {
      throw new ConfigurationError(
        `${req.operation}: the access token has a character an HTTP header cannot carry (a line break, control ` +
          "or non-ASCII character); set cometapi:accessToken (COMETAPI_ACCESS_TOKEN) again",
      );
    }
    const started = Date.now();
    const budgetMs = Math.min(req.retryBudgetMs ?? Number.POSITIVE_INFINITY, this.options.retryBudgetMs);
    const deadline = started + budgetMs;
    let attemptNo = 0;
    let unreachable = 0;
    let lastFailure: string | undefined;
    for (;;) {
      attemptNo += 1;
      if (this.engineGone) throw new EngineGoneError(req.operation);
      if (
        this.cancellation.signal.aborted &&
        (attemptNo > 1 || req.method !== "GET" || req.limit === "reveal")
      ) {
        throw new CancelledError(req.operation, lastFailure && `no retry after: ${lastFailure}`);
      }
      // A retry, a write or a reveal asks whether the engine is still there before it is sent.
      const mustCheck = attemptNo > 1 || req.method !== "GET" || req.limit === "reveal";
      const attempt = await this.attempt(req, deadline, mustCheck);
      if (attempt.kind === "ok") {
        const parsed = dataSchema.safeParse(attempt.data);
        if (parsed.success) return parsed.data;
        const error = new ResponseShapeError(
          `${req.operation}: CometAPI answered with an unexpected shape: ${describeZodError(parsed.error)}`,
          req.operation,
        );
        if (req.retry !== "idempotent") throw asOutcomeUnknown(req, error);
        throw error;
      }
      if (!attempt.retry) throw attempt.error;
      lastFailure = attempt.error.message;
      unreachable = attempt.unreachable ? unreachable + 1 : 0;
      if (unreachable >= MAX_UNREACHABLE_ATTEMPTS) {
        throw new NetworkError(
          `${attempt.error.message} (nothing answered at ${this.target.baseUrl} in ${attemptNo} attempts; ` +
            "check cometapi:baseUrl / COMETAPI_BASE_URL)",
          req.operation,
          { cause: attempt.error.cause },
        );
      }
      // After a 429 the gate paces every request; other failures back off on their own.
      const delay =
        attempt.error instanceof RateLimitedError ? 0 : this.backoff(attemptNo, attempt.retryAfterMs);
      if (Date.now() - started + delay > budgetMs) {
        throw exhausted(req, attempt.error, attemptNo, Date.now() - started);
      }
      this.stats.retries += 1;
      await sleep(delay, this.cancellation.signal);
    }
  }

  /**
   * The run was cancelled: from now on no write, reveal or retry is sent and no request waits
   * (for a rate-limit pause or a backoff); each ends with a `CancelledError`. Requests already on
   * the wire finish; a read that can go at once still goes, so a create already sent learns its id.
   */
  cancel(): void {
    this.cancellation.abort();
  }

  /**
   * From now on, right before a request goes on the wire after a wait (a rate-limit pause, a
   * backoff, a connection slot), and before every write and reveal, `alive` is asked whether the
   * engine that runs this process is still there (the host's check; a fresh answer each time).
   * Once it answers false nothing more is sent: every call ends with an `EngineGoneError`.
   */
  whileEngineAlive(alive: () => Promise<boolean>): void {
    this.engineAlive = alive;
  }

  /** Closes pooled connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Asks the host's check (when there is one); a no ends every wait and stops everything for good. */
  private async engineStillThere(): Promise<boolean> {
    if (this.engineGone) return false;
    if (!this.engineAlive || (await this.engineAlive())) return true;
    this.engineGone = true;
    this.cancellation.abort();
    return false;
  }

  private backoff(attemptNo: number, retryAfterMs: number | undefined): number {
    const exp = Math.min(this.options.retryMaxDelayMs, this.options.retryBaseDelayMs * 2 ** (attemptNo - 1));
    const jittered = Math.random() * exp;
    return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered);
  }

  /** `mustCheck`: ask whether the engine is still there before sending, even when nothing waited. */
  private async attempt(req: ApiRequest, deadline: number, mustCheck: boolean): Promise<Attempt> {
    const probing: RateLimitGate[] = [];
    const signal = this.cancellation.signal;
    let waited = false;
    const onWait = () => {
      waited = true;
      req.onHeldBack?.();
    };
    const pass = async (gate: RateLimitGate): Promise<boolean> => {
      const ticket = await gate.enter(deadline, { urgent: req.urgent, onWait, signal });
      if (ticket === "probe") probing.push(gate);
      return ticket !== "deadline";
    };
    const outOfBudget = (gate: RateLimitGate): Attempt => {
      if (this.engineGone) return { kind: "fail", error: new EngineGoneError(req.operation), retry: false };
      if (signal.aborted) {
        return { kind: "fail", error: new CancelledError(req.operation, "rate limited"), retry: false };
      }
      const detail = `still rate limited when the retry budget ran out; ${rateLimitAdvice(req, gate.pause)}`;
      return { kind: "fail", error: new RateLimitedError(req.operation, 429, detail), retry: false };
    };
    try {
      // A request waits out a pause without a connection slot, so that when the pause ends the
      // slots go to urgent requests first. A reveal passes its own (minutes-long) limit first.
      if (req.limit === "reveal" && !(await pass(this.revealGate))) return outOfBudget(this.revealGate);
      for (;;) {
        if (!(await pass(this.gate))) return outOfBudget(this.gate);
        if (await this.slots.acquire(req.urgent === true)) waited = true;
        // A pause that began while this request waited for its slot is waited out without it.
        if (!this.gate.limited || probing.includes(this.gate)) break;
        this.slots.release();
      }
      try {
        if ((mustCheck || waited) && !(await this.engineStillThere())) {
          return { kind: "fail", error: new EngineGoneError(req.operation), retry: false };
        }
        req.onSend?.();
        return await this.send(req, probing);
      } finally {
        this.slots.release();
      }
    } finally {
      for (const gate of probing) gate.release();
    }
  }

  /** `probing`: the gates this attempt is the probe of. */
  private async send(req: ApiRequest, probing: readonly RateLimitGate[]): Promise<Attempt> {
    const headers: Record<string, string> = {
      authorization: this.target.accessToken,
      accept: "application/json",
      "accept-language": "en",
      "user-agent": "pulumi-cometapi",
    };
    if (this.target.userId !== undefined) headers["new-api-user"] = String(this.target.userId);
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers["content-type"] = "application/json";
    }
    this.stats.requests += 1;
    let status: number;
    let text: string;
    let retryAfterMs: number | undefined;
    try {
      const res = await request(new URL(req.path, this.target.baseUrl), {
        method: req.method,
        headers,
        body,
        dispatcher: this.agent,
        headersTimeout: this.options.requestTimeoutMs,
        bodyTimeout: this.options.requestTimeoutMs,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      status = res.statusCode;
      this.observeDate(res.headers.date);
      retryAfterMs = parseRetryAfter(res.headers["retry-after"]);
      text = await res.body.text();
    } catch (cause) {
      return this.networkFailure(req, cause);
    }
    if (status !== 429) {
      this.gate.admitted();
      if (req.limit === "reveal") this.revealGate.admitted();
    }
    if (status === 200) return this.parseEnvelope(req, text);
    if (status === 401) {
      const hint =
        this.target.userId === undefined
          ? "Check the access token (Console → Personal Settings → access token). Some new-api builds also " +
            "require the New-Api-User header: set your numeric user id with `pulumi config set cometapi:userId <id>` " +
            "or COMETAPI_USER_ID."
          : "Check that the access token is valid and that cometapi:userId (COMETAPI_USER_ID) is the numeric id of " +
            "the user who owns it.";
      return {
        kind: "fail",
        error: new AuthenticationError(req.operation, serverMessageOf(text), hint),
        retry: false,
      };
    }
    if (status === 429) {
      this.stats.rateLimited += 1;
      const gate = req.limit === "reveal" ? this.revealGate : this.gate;
      gate.refused(retryAfterMs, probing.includes(gate));
      return {
        kind: "fail",
        error: new RateLimitedError(req.operation, 429, "rate limited"),
        retry: true,
        retryAfterMs,
      };
    }
    const error = new HttpStatusError(req.operation, status, serverMessageOf(text));
    if (!RETRYABLE_STATUS.has(status)) return { kind: "fail", error, retry: false };
    if (req.retry === "idempotent") return { kind: "fail", error, retry: true, retryAfterMs };
    return { kind: "fail", error: asOutcomeUnknown(req, error), retry: false };
  }

  private parseEnvelope(req: ApiRequest, text: string): Attempt {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      const error = new ResponseShapeError(
        `${req.operation}: CometAPI answered with malformed JSON`,
        req.operation,
      );
      if (req.retry === "idempotent") return { kind: "fail", error, retry: true };
      return { kind: "fail", error: asOutcomeUnknown(req, error), retry: false };
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) {
      const error = new ResponseShapeError(
        `${req.operation}: CometAPI answered without the {success, message} envelope`,
        req.operation,
      );
      if (req.retry === "idempotent") return { kind: "fail", error, retry: true };
      return { kind: "fail", error: asOutcomeUnknown(req, error), retry: false };
    }
    if (envelope.data.success) return { kind: "ok", data: envelope.data.data };
    const message = envelope.data.message ?? "";
    // The one message the contract lets clients recognise.
    const error = /record not found/i.test(message)
      ? new RecordNotFoundError(req.operation, message)
      : new ApiBusinessError(req.operation, message);
    return { kind: "fail", error, retry: false };
  }

  private networkFailure(req: ApiRequest, cause: unknown): Attempt {
    // undici refused the request before sending it (a header or option it cannot use): no retry helps.
    if (cause instanceof undiciErrors.InvalidArgumentError) {
      const error = new ConfigurationError(
        `${req.operation}: the request could not be sent: ${cause.message}`,
      );
      return { kind: "fail", error, retry: false };
    }
    const code = errorCode(cause);
    const unreachable = code !== undefined && UNREACHABLE_CODES.has(code);
    const neverSent = unreachable || cause instanceof undiciErrors.ConnectTimeoutError;
    const error = new NetworkError(`${req.operation}: ${describeNetworkError(cause)}`, req.operation, {
      cause,
    });
    if (req.retry === "idempotent" || neverSent) return { kind: "fail", error, retry: true, unreachable };
    return { kind: "fail", error: asOutcomeUnknown(req, error), retry: false };
  }

  private observeDate(date: string | string[] | undefined): void {
    const value = Array.isArray(date) ? date[0] : date;
    if (!value) return;
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) this.serverClockOffset = Math.round((ms - Date.now()) / 1000);
  }
}

/** A counting semaphore: at most `size` holders at once, FIFO, urgent waiters first. */
class Semaphore {
  private readonly waiting: Array<() => void> = [];
  private readonly urgentWaiting: Array<() => void> = [];
  constructor(private free: number) {}
  /** Resolves once a slot is this caller's: true when it had to wait for it. */
  async acquire(urgent: boolean): Promise<boolean> {
    if (this.free > 0) {
      this.free -= 1;
      return false;
    }
    await new Promise<void>((resolve) => (urgent ? this.urgentWaiting : this.waiting).push(resolve));
    return true;
  }
  release(): void {
    const next = this.urgentWaiting.shift() ?? this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}

function asOutcomeUnknown(req: ApiRequest, error: CometApiError): OutcomeUnknownError {
  return new OutcomeUnknownError(
    `${error.message} (the request may or may not have taken effect)`,
    req.operation,
    { cause: error },
  );
}

function exhausted(req: ApiRequest, last: CometApiError, attempts: number, elapsedMs: number): CometApiError {
  const suffix = ` (gave up after ${attempts} attempts in ${(elapsedMs / 1000).toFixed(1)}s)`;
  if (last instanceof RateLimitedError) {
    return new RateLimitedError(
      req.operation,
      429,
      `still rate limited${suffix}; ${rateLimitAdvice(req, undefined)}`,
    );
  }
  // The server's last words stay in the message.
  if (last instanceof HttpStatusError)
    return new HttpStatusError(req.operation, last.status, `${last.detail}${suffix}`.trim());
  if (last instanceof ResponseShapeError)
    return new ResponseShapeError(`${last.message}${suffix}`, req.operation);
  return new NetworkError(`${last.message}${suffix}`, req.operation, { cause: last.cause });
}

/**
 * What to do about a rate limit that outlasted the retry budget, by the limit the route falls
 * under, with the wait the server asked for (`Retry-After`) when it said.
 */
function rateLimitAdvice(req: ApiRequest, pause: RateLimitGate["pause"] | undefined): string {
  const asked = pause?.retryAfterMs;
  const wait =
    asked === undefined || pause === undefined
      ? undefined
      : `the server asks to wait ${describeWait(asked)} (Retry-After); wait ${describeWait(pause.remainingMs)} more and run again`;
  if (req.limit === "reveal") {
    return (
      `${wait ?? "wait for the limit's window to pass (20 minutes on new-api's defaults) and run again"}. Key reveals ` +
      'fall under new-api\'s shared "critical" rate limit, which console login, registration and 2FA draw from ' +
      "too: until it passes you may also be locked out of the console, and every login spends the reveal " +
      "budget. Keys already created are recorded in the stack (their ids are in the errors); their values " +
      "are revealed on the next run"
    );
  }
  return `${wait ?? "wait for the limit's window to pass (a few minutes on new-api's defaults) and run again"}; the service limits management requests per IP`;
}

/** A wait in words: `20 min`, `3 min 5 s`, `42 s`. */
function describeWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  const [m, s] = [Math.floor(seconds / 60), seconds % 60];
  if (m === 0) return `${s} s`;
  return s === 0 ? `${m} min` : `${m} min ${s} s`;
}

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === "") return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function serverMessageOf(text: string): string {
  try {
    const json: unknown = JSON.parse(text);
    if (json && typeof json === "object" && "message" in json && typeof json.message === "string") {
      return json.message;
    }
  } catch {
    // not JSON: fall through
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function errorCode(cause: unknown): string | undefined {
  if (cause && typeof cause === "object" && "code" in cause && typeof cause.code === "string")
    return cause.code;
  return undefined;
}

function describeNetworkError(cause: unknown): string {
  if (cause instanceof Error && (cause.name === "TimeoutError" || cause.name === "AbortError")) {
    return "no answer before the request timeout";
  }
  const code = errorCode(cause);
  const message = cause instanceof Error ? cause.message : String(cause);
  return code ? `${message} (${code})` : message;
}

function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
