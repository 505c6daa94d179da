/**
 * The management API's auth middleware: the personal access token in `Authorization` (raw or
 * with one leading `Bearer `), and, on the `new-api-2026-03` profile, the `New-Api-User` header
 * when `requireUserHeader` is on. The texts are the real service's.
 */
import type { EmulatorContext, RequestInfo } from "./context";
import { goAtoi } from "./goJson";
import { fail, jsonReply, type Reply } from "./reply";
import { SERVER_PROFILES } from "./serverProfiles";

export const AUTH_MSG = {
  noToken: "Unauthorized, not logged in and no access token provided",
  invalidToken: "Unauthorized, invalid access token",
  noUserHeader: "Unauthorized, New-Api-User header not provided",
  badUserHeader: "Unauthorized, New-Api-User header format error",
  userMismatch: "Unauthorized, New-Api-User does not match logged in user",
} as const;

function header(req: RequestInfo, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function unauthorized(message: string): Reply {
  return jsonReply(401, { success: false, message });
}

export function authenticateUser(
  ctx: EmulatorContext,
  req: RequestInfo,
): { ok: true; userId: number; root: boolean } | { ok: false; reply: Reply } {
  const profile = SERVER_PROFILES[ctx.switches.serverProfile];
  const raw = header(req, "authorization") ?? "";
  const token = (raw.startsWith("Bearer ") ? raw.slice(7) : raw).trim();
  const user = token === "" ? undefined : ctx.store.userByAccessToken(token);
  if (!user && profile.unauthorizedBody)
    return { ok: false, reply: jsonReply(401, profile.unauthorizedBody) };
  if (raw === "") return { ok: false, reply: unauthorized(AUTH_MSG.noToken) };
  if (!user) return { ok: false, reply: fail(AUTH_MSG.invalidToken) };
  if (profile.checksUserHeader && ctx.switches.requireUserHeader) {
    const h = header(req, "new-api-user") ?? "";
    if (h === "") return { ok: false, reply: unauthorized(AUTH_MSG.noUserHeader) };
    const parsed = goAtoi(h);
    if (!parsed.ok) return { ok: false, reply: unauthorized(AUTH_MSG.badUserHeader) };
    if (parsed.value !== user.userId) return { ok: false, reply: unauthorized(AUTH_MSG.userMismatch) };
  }
  return { ok: true, userId: user.userId, root: user.root === true };
}
