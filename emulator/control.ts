/**
 * The control API under `/_emulator/`, for tests and the benchmark. Authenticated with
 * `Authorization: Bearer <adminToken>` (or the raw token). Never counted, rate-limited or
 * faulted. Answers plain JSON (no envelope); errors are `{"error": "..."}` with 400/401/404.
 */
import type { RequestInfo } from "./context";
import { ControlError, type EmulatorCore } from "./core";
import { FaultError, parseFaultSpec } from "./faults";
import { jsonReply, type Reply } from "./reply";

function parseBody(req: RequestInfo): unknown {
  if (req.body.trim() === "") return {};
  try {
    return JSON.parse(req.body) as unknown;
  } catch {
    throw new ControlError("body is not valid JSON");
  }
}

function objectBody(req: RequestInfo): Record<string, unknown> {
  const body = parseBody(req);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ControlError("body must be a JSON object");
  }
  return body as Record<string, unknown>;
}

function intParam(s: string | undefined, name: string): number {
  if (s === undefined || !/^[0-9]+$/.test(s)) throw new ControlError(`${name} must be an integer`);
  return Number(s);
}

function finiteNumber(v: unknown, name: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new ControlError(`${name} must be a number`);
  return v;
}

export async function handleControl(
  core: EmulatorCore,
  req: RequestInfo,
  flush: () => Promise<void>,
): Promise<Reply> {
  const auth = req.headers.authorization;
  const token = typeof auth === "string" ? auth.replace(/^Bearer /, "").trim() : "";
  if (token !== core.ctx.store.adminToken) return jsonReply(401, { error: "admin token required" });
  try {
    return jsonReply(200, await route(core, req, flush));
  } catch (e) {
    if (e instanceof ControlError) return jsonReply(e.status, { error: e.message });
    if (e instanceof FaultError) return jsonReply(400, { error: e.message });
    throw e;
  }
}

async function route(core: EmulatorCore, req: RequestInfo, flush: () => Promise<void>): Promise<unknown> {
  const parts = req.path.split("/").filter((p) => p !== "");
  // parts[0] === "_emulator"
  const [, resource, idText, action] = parts;
  const m = req.method;
  const ctx = core.ctx;
  switch (resource) {
    case "switches":
      if (parts.length !== 2) break;
      if (m === "GET") return structuredClone(ctx.switches);
      if (m === "PUT" || m === "PATCH" || m === "POST") return core.setSwitches(parseBody(req));
      break;
    case "clock":
      if (parts.length !== 2) break;
      if (m === "GET") return { now: ctx.clock.now() };
      if (m === "POST") {
        const body = objectBody(req);
        if (body.set !== undefined) ctx.clock.set(finiteNumber(body.set, "set"));
        if (body.advance !== undefined) ctx.clock.advance(finiteNumber(body.advance, "advance"));
        return { now: ctx.clock.now() };
      }
      break;
    case "keys":
      if (parts.length === 2 && m === "GET") {
        const userId = req.query.get("user_id");
        return core.keys(userId === null ? undefined : intParam(userId, "user_id"));
      }
      if (parts.length === 2 && m === "POST") {
        const body = objectBody(req);
        return core.createKeyDirect(body.userId, body.fields);
      }
      if (parts.length === 3 && (m === "PATCH" || m === "PUT")) {
        return core.editKey(intParam(idText, "id"), parseBody(req));
      }
      if (parts.length === 4 && action === "charge" && m === "POST") {
        return core.chargeKey(intParam(idText, "id"), objectBody(req).quota);
      }
      break;
    case "faults":
      if (parts.length === 2 && m === "GET") return core.faults.list();
      if (parts.length === 2 && m === "POST")
        return { id: core.faults.add(parseFaultSpec(parseBody(req))).id };
      if (parts.length === 2 && m === "DELETE") {
        core.faults.clear();
        return {};
      }
      if (parts.length === 3 && m === "DELETE") return { removed: core.faults.remove(idText ?? "") };
      break;
    case "requests":
      if (parts.length !== 2) break;
      if (m === "GET") return core.counts.snapshot();
      if (m === "DELETE") {
        core.counts.reset();
        return {};
      }
      break;
    case "users":
      if (parts.length !== 2) break;
      if (m === "GET") return ctx.store.listUsers();
      if (m === "POST") return core.addUser(parseBody(req));
      break;
    case "usage":
      if (parts.length !== 2) break;
      if (m === "POST") return core.startUsage(parseBody(req));
      if (m === "DELETE") {
        core.stopUsage();
        return {};
      }
      break;
    case "settle":
      if (parts.length === 2 && m === "POST") {
        await core.settle();
        return {};
      }
      break;
    case "reset":
      if (parts.length === 2 && m === "POST") {
        core.reset();
        return {};
      }
      break;
    case "flush":
      if (parts.length === 2 && m === "POST") {
        await flush();
        return {};
      }
      break;
  }
  throw new ControlError(`no control route ${m} ${req.path}`, 404);
}
