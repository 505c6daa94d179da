/**
 * The HTTP layer: routing (with gin's trailing-slash redirects and JSON 404s), request counts,
 * fault injection, added latency, the global rate limit, auth, the `Date` header from the
 * emulator clock, and the control API under `/_emulator/`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { getUserGroups, getUserModels } from "./account";
import { authenticateUser } from "./auth";
import type { EmulatorContext, RequestInfo } from "./context";
import { handleControl } from "./control";
import type { EmulatorCore } from "./core";
import type { ActiveFault } from "./faults";
import { chatCompletions, listModels } from "./modelApi";
import { fail, jsonReply, notFound, type Reply, tooManyRequests } from "./reply";
import { getSelf } from "./self";
import { SERVER_PROFILES } from "./serverProfiles";
import {
  createToken,
  deleteToken,
  deleteTokensBatch,
  getAutoGroups,
  getToken,
  listTokens,
  revealKey,
  revealKeysBatch,
  searchTokens,
  updateToken,
} from "./tokens";

/** Bodies beyond this are read and discarded; the request gets the decoder's "too large" answer. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** `root`: the caller is a root user, who sees and changes every user's keys. */
type ApiHandler = (ctx: EmulatorContext, req: RequestInfo, userId: number, root: boolean) => Reply;
type ModelHandler = (ctx: EmulatorContext, req: RequestInfo) => Reply;

interface RouteDef {
  method: string;
  pattern: string;
  api?: ApiHandler;
  model?: ModelHandler;
  /** Served only while keys are masked (the reveal routes of newer builds). */
  needsMasking?: boolean;
  /** Served only by profiles that have it (`GET /api/token/auto-groups`). */
  needsAutoGroups?: boolean;
  /** Served only while the `accountRoutes` switch is on (what the account may use). */
  needsAccountRoutes?: boolean;
}

const ROUTES: RouteDef[] = [
  { method: "GET", pattern: "/api/token/", api: listTokens },
  { method: "POST", pattern: "/api/token/", api: createToken },
  { method: "PUT", pattern: "/api/token/", api: updateToken },
  { method: "GET", pattern: "/api/token/search", api: searchTokens },
  { method: "GET", pattern: "/api/token/auto-groups", api: getAutoGroups, needsAutoGroups: true },
  { method: "POST", pattern: "/api/token/batch", api: deleteTokensBatch },
  { method: "POST", pattern: "/api/token/batch/keys", api: revealKeysBatch, needsMasking: true },
  { method: "GET", pattern: "/api/token/:id", api: getToken },
  { method: "DELETE", pattern: "/api/token/:id", api: deleteToken },
  { method: "POST", pattern: "/api/token/:id/key", api: revealKey, needsMasking: true },
  { method: "GET", pattern: "/api/user/self", api: getSelf },
  { method: "GET", pattern: "/api/user/self/groups", api: getUserGroups, needsAccountRoutes: true },
  { method: "GET", pattern: "/api/user/models", api: getUserModels, needsAccountRoutes: true },
  { method: "GET", pattern: "/v1/models", model: listModels },
  { method: "POST", pattern: "/v1/chat/completions", model: chatCompletions },
];

type Match =
  | { kind: "route"; def: RouteDef; params: Record<string, string> }
  | { kind: "redirect"; pattern: string; location: string; status: number }
  | { kind: "unknown" };

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const ps = pattern.split("/");
  const xs = path.split("/");
  if (ps.length !== xs.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i] as string;
    const x = xs[i] as string;
    if (p.startsWith(":")) {
      if (x === "") return undefined;
      params[p.slice(1)] = safeDecode(x);
    } else if (p !== x) return undefined;
  }
  return params;
}

function findRoute(ctx: EmulatorContext, method: string, path: string): Match {
  const profile = SERVER_PROFILES[ctx.switches.serverProfile];
  const candidates = ROUTES.filter(
    (r) =>
      r.method === method &&
      (!r.needsMasking || ctx.switches.maskKeys) &&
      (!r.needsAutoGroups || profile.autoGroupsRoute) &&
      (!r.needsAccountRoutes || ctx.switches.accountRoutes),
  );
  // Static routes win over parameter routes, as in gin's tree.
  const ordered = [
    ...candidates.filter((r) => !r.pattern.includes(":")),
    ...candidates.filter((r) => r.pattern.includes(":")),
  ];
  for (const def of ordered) {
    const params = matchPattern(def.pattern, path);
    if (params) return { kind: "route", def, params };
  }
  const other = path.endsWith("/") ? path.slice(0, -1) : `${path}/`;
  if (other !== "" && other !== path) {
    for (const def of ordered) {
      if (!matchPattern(def.pattern, other)) continue;
      const pattern = def.pattern.endsWith("/") ? def.pattern.slice(0, -1) : `${def.pattern}/`;
      return { kind: "redirect", pattern, location: other, status: method === "GET" ? 301 : 307 };
    }
  }
  return { kind: "unknown" };
}

function clientIp(req: IncomingMessage): string {
  const addr = req.socket.remoteAddress ?? "";
  return addr.startsWith("::ffff:") && addr.includes(".") ? addr.slice(7) : addr;
}

function readBody(req: IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve({ text: tooLarge ? "" : Buffer.concat(chunks).toString("utf8"), tooLarge }));
    req.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function faultReply(fault: ActiveFault): Reply | undefined {
  switch (fault.kind) {
    case "status": {
      const status = fault.status ?? 503;
      const text = { 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable" }[status];
      return { status, headers: { "content-type": "text/plain; charset=utf-8" }, body: `${status} ${text}` };
    }
    case "rate-limit":
      return tooManyRequests(fault.retryAfterSeconds);
    case "malformed-json":
      return {
        status: 200,
        headers: { "content-type": "application/json; charset=utf-8" },
        body: '{"success": true, "message": "", "data": {"id": 1, "na',
      };
    case "business-error":
      return fail(fault.message ?? "emulated business error");
    default:
      return undefined;
  }
}

export class EmulatorServer {
  readonly http: Server;
  private readonly held = new Set<IncomingMessage>();

  constructor(
    private readonly core: EmulatorCore,
    private readonly flush: () => Promise<void>,
  ) {
    this.http = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        // Never crash on a bad request: answer 500 if still possible.
        if (!res.headersSent && !res.destroyed) {
          res.statusCode = 500;
          res.end(JSON.stringify({ success: false, message: `emulator error: ${(e as Error).message}` }));
        } else res.destroy();
      });
    });
    this.http.on("clientError", (_err, socket: Socket) => {
      if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      else socket.destroy();
    });
  }

  private write(res: ServerResponse, reply: Reply): void {
    if (res.destroyed) return;
    res.statusCode = reply.status;
    for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
    res.setHeader("date", new Date(this.core.ctx.clock.nowMs()).toUTCString());
    const body = reply.body ?? "";
    res.setHeader("content-length", Buffer.byteLength(body));
    res.end(body);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const path = url.pathname;
    const info: RequestInfo = {
      method,
      path,
      query: url.searchParams,
      headers: req.headers,
      ip: clientIp(req),
      body: "",
      params: {},
    };

    if (path === "/_emulator" || path.startsWith("/_emulator/")) {
      const { text, tooLarge } = await readBody(req);
      info.body = tooLarge ? "" : text;
      this.write(res, await handleControl(this.core, info, this.flush));
      return;
    }

    const ctx = this.core.ctx;
    const match = findRoute(ctx, method, path);
    const pattern =
      match.kind === "route" ? match.def.pattern : match.kind === "redirect" ? match.pattern : "<unknown>";
    const countKey = `${method} ${pattern}`;
    const fault = this.core.faults.take(method, pattern);

    if (fault?.kind === "reset") {
      this.core.counts.record(countKey, "reset");
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "timeout") {
      this.core.counts.record(countKey, "timeout");
      this.held.add(req);
      req.resume();
      req.socket.on("close", () => this.held.delete(req));
      return;
    }

    const { text, tooLarge } = await readBody(req);
    info.body = text;
    const isApi = path === "/api" || path.startsWith("/api/");
    if (fault?.kind === "late-commit") {
      // The client gets no answer; the request takes effect later, as a slow commit would.
      this.core.counts.record(countKey, "late-commit");
      if (fault.dropConnection) req.socket.destroy();
      else {
        this.held.add(req);
        req.socket.on("close", () => this.held.delete(req));
      }
      this.core.later(fault.commitAfterMs ?? 5000, () => {
        this.dispatch(match, { ...info }, tooLarge);
      });
      return;
    }
    // Another client of the same account sends the very same request just before this one.
    if (fault?.kind === "twin-create") this.dispatch(match, { ...info }, tooLarge);
    // The key this request names is used just before the request is handled.
    if (fault?.kind === "charge")
      this.core.chargeNamedKey(info, match.kind === "route" ? match.params : {}, fault.quota ?? 1000);
    const faultDelay =
      fault?.kind === "latency"
        ? (fault.latencyMs ?? 1000)
        : fault?.kind === "twin-create"
          ? (fault.latencyMs ?? 0)
          : 0;
    const delay = faultDelay + (isApi ? ctx.switches.latencyMs : 0);
    if (delay > 0) await sleep(delay);

    let reply = fault ? faultReply(fault) : undefined;
    if (!reply) reply = this.dispatch(match, info, tooLarge);

    if (fault?.kind === "lost-response") {
      this.core.counts.record(countKey, "lost-response");
      res.destroy();
      return;
    }
    this.core.counts.record(countKey, reply.status);
    this.write(res, reply);
  }

  private dispatch(match: Match, info: RequestInfo, tooLarge: boolean): Reply {
    const ctx = this.core.ctx;
    if (match.kind === "unknown") return notFound(info.method, info.path);
    if (match.kind === "redirect") {
      const qs = info.query.toString();
      const location = qs === "" ? match.location : `${match.location}?${qs}`;
      const text = match.status === 301 ? "Moved Permanently" : "Temporary Redirect";
      return {
        status: match.status,
        headers: { location, "content-type": "text/html; charset=utf-8" },
        body: info.method === "GET" ? `<a href="${location}">${text}</a>.\n\n` : "",
      };
    }
    info.params = match.params;
    const def = match.def;
    if (def.model) {
      if (tooLarge)
        return jsonReply(413, {
          error: { message: "request body too large", type: "invalid_request_error" },
        });
      return def.model(ctx, info);
    }
    const limits = ctx.switches.rateLimits;
    if (
      limits &&
      !ctx.limiter.take(
        `global:${info.ip}`,
        limits.maxRequests,
        limits.windowSeconds * 1000,
        ctx.clock.nowMs(),
      )
    ) {
      return tooManyRequests(
        SERVER_PROFILES[ctx.switches.serverProfile].retryAfter ? limits.windowSeconds : undefined,
      );
    }
    const auth = authenticateUser(ctx, info);
    if (!auth.ok) return auth.reply;
    if (tooLarge) return fail("http: request body too large");
    return (def.api as ApiHandler)(ctx, info, auth.userId, auth.root);
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once("error", reject);
      this.http.listen(port, "127.0.0.1", () => {
        this.http.off("error", reject);
        const addr = this.http.address();
        resolve(typeof addr === "object" && addr ? addr.port : port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      for (const req of this.held) req.socket.destroy();
      this.held.clear();
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }
}
