/**
 * The model side (`/v1`), just enough to prove a provisioned key works: key auth with
 * `Authorization: Bearer sk-<key>`, status/expiry/quota validation with lazy status flips,
 * the IP allowlist, the model allowlist, and a quota charge per accepted call.
 *
 * Refusals are OpenAI-style `{"error": {message, type, code}}`:
 * - 401: no key, unknown or deleted key, key disabled (2), expired (3 or past `expired_time`),
 *   exhausted (4, or limited with `remain_quota` <= 0);
 * - 403: caller IP outside `allow_ips`, model outside `model_limits`;
 * - 400: bad JSON or no `model`; 503: a model the emulator does not serve.
 */
import { BlockList, isIP } from "node:net";
import type { EmulatorContext, RequestInfo } from "./context";
import { jsonReply, type Reply } from "./reply";
import type { EmulatorKeyRecord } from "./store";

/** Models every key may call unless its model allowlist says otherwise. */
export const EMULATOR_MODELS = [
  "gpt-4o",
  "gpt-4o-mini",
  "claude-3-5-sonnet",
  "gemini-1.5-pro",
  "deepseek-chat",
];

function apiError(status: number, message: string, code: string, type = "new_api_error"): Reply {
  return jsonReply(status, { error: { message, type, param: "", code } });
}

function header(req: RequestInfo, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Lines of `allow_ips`, spaces and commas removed, empties dropped (as the service parses it). */
export function ipLimits(allowIps: string | null): string[] {
  if (allowIps === null) return [];
  return allowIps
    .replaceAll(" ", "")
    .split("\n")
    .map((l) => l.trim().replaceAll(",", ""))
    .filter((l) => l !== "");
}

/** Whether `ip` (IPv4 or IPv6) is inside one of the allowlist entries (addresses or CIDRs). */
export function ipAllowed(ip: string, allowIps: string | null): boolean {
  const entries = ipLimits(allowIps);
  if (entries.length === 0) return true;
  const family = isIP(ip);
  if (family === 0) return false;
  const list = new BlockList();
  for (const entry of entries) {
    const [addr = "", prefixText] = entry.split("/", 2);
    const v = isIP(addr);
    if (v === 0) continue;
    const type = v === 4 ? "ipv4" : "ipv6";
    if (prefixText === undefined) {
      list.addAddress(addr, type);
      continue;
    }
    const prefix = Number(prefixText);
    if (!/^[0-9]+$/.test(prefixText) || prefix > (v === 4 ? 32 : 128)) continue;
    list.addSubnet(addr, prefix, type);
  }
  return list.check(ip, family === 4 ? "ipv4" : "ipv6");
}

/** Writes status 3/4 when the key is used past expiry or exhausted, unless flips are off. */
function flip(ctx: EmulatorContext, rec: EmulatorKeyRecord, status: 3 | 4): void {
  if (ctx.switches.statusFlips !== "lazy") return;
  rec.status = status;
  ctx.store.changed();
}

/** Charges quota as an accepted model call does (remaining may go negative). */
export function charge(ctx: EmulatorContext, rec: EmulatorKeyRecord, quota: number): void {
  rec.remain_quota -= quota;
  rec.used_quota += quota;
  rec.accessed_time = ctx.clock.now();
  ctx.store.changed();
}

/** The lazy flip rules applied to a stored record, as a model call's validation would. */
export function applyLazyFlips(ctx: EmulatorContext, rec: EmulatorKeyRecord): void {
  if (rec.status !== 1) return;
  if (rec.expired_time !== -1 && rec.expired_time < ctx.clock.now()) flip(ctx, rec, 3);
  else if (!rec.unlimited_quota && rec.remain_quota <= 0) flip(ctx, rec, 4);
}

type KeyAuth = { ok: true; rec: EmulatorKeyRecord } | { ok: false; reply: Reply };

function authenticateKey(ctx: EmulatorContext, req: RequestInfo): KeyAuth {
  let raw = (header(req, "authorization") ?? "").trim();
  if (/^bearer /i.test(raw)) raw = raw.slice(7).trim();
  if (raw.startsWith("sk-")) raw = raw.slice(3);
  if (raw === "") return { ok: false, reply: apiError(401, "No API key provided", "missing_api_key") };
  const rec = ctx.store.liveByKey(raw);
  if (!rec) return { ok: false, reply: apiError(401, "Invalid API key", "invalid_api_key") };
  if (rec.status === 3)
    return { ok: false, reply: apiError(401, "This API key has expired", "token_expired") };
  if (rec.status === 4) {
    return { ok: false, reply: apiError(401, "This API key's quota is exhausted", "token_exhausted") };
  }
  if (rec.status !== 1)
    return { ok: false, reply: apiError(401, "This API key is disabled", "token_disabled") };
  if (rec.expired_time !== -1 && rec.expired_time < ctx.clock.now()) {
    flip(ctx, rec, 3);
    return { ok: false, reply: apiError(401, "This API key has expired", "token_expired") };
  }
  if (!rec.unlimited_quota && rec.remain_quota <= 0) {
    flip(ctx, rec, 4);
    return { ok: false, reply: apiError(401, "This API key's quota is exhausted", "token_exhausted") };
  }
  if (!ipAllowed(req.ip, rec.allow_ips)) {
    return {
      ok: false,
      reply: apiError(403, `Your IP ${req.ip} is not in the key's allowed list`, "ip_not_allowed"),
    };
  }
  return { ok: true, rec };
}

function allowedModels(rec: EmulatorKeyRecord): string[] {
  if (!rec.model_limits_enabled) return EMULATOR_MODELS;
  const limits = rec.model_limits.split(",").filter((m) => m !== "");
  return EMULATOR_MODELS.filter((m) => limits.includes(m));
}

export function listModels(ctx: EmulatorContext, req: RequestInfo): Reply {
  const auth = authenticateKey(ctx, req);
  if (!auth.ok) return auth.reply;
  const created = ctx.clock.now();
  return jsonReply(200, {
    object: "list",
    data: allowedModels(auth.rec).map((id) => ({
      id,
      object: "model",
      created,
      owned_by: "cometapi-emulator",
    })),
    success: true,
  });
}

export function chatCompletions(ctx: EmulatorContext, req: RequestInfo): Reply {
  const auth = authenticateKey(ctx, req);
  if (!auth.ok) return auth.reply;
  const rec = auth.rec;
  let body: unknown;
  try {
    body = JSON.parse(req.body);
  } catch {
    return apiError(400, "Invalid request body: not JSON", "invalid_request", "invalid_request_error");
  }
  const model =
    typeof body === "object" && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>).model
      : undefined;
  if (typeof model !== "string" || model === "") {
    return apiError(400, "model is required", "invalid_request", "invalid_request_error");
  }
  if (rec.model_limits_enabled && !rec.model_limits.split(",").includes(model)) {
    return apiError(403, `This API key is not allowed to use model ${model}`, "model_not_allowed");
  }
  if (!EMULATOR_MODELS.includes(model)) {
    return apiError(503, `No available channel for model ${model}`, "model_not_found");
  }
  const quota = ctx.switches.chargePerRequest;
  charge(ctx, rec, quota);
  return jsonReply(200, {
    id: `chatcmpl-emu-${rec.id}-${rec.used_quota}`,
    object: "chat.completion",
    created: ctx.clock.now(),
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: "Hello from the CometAPI emulator." },
        finish_reason: "stop",
      },
    ],
    usage: { prompt_tokens: 1, completion_tokens: 7, total_tokens: 8, quota },
  });
}
