/**
 * Handlers of the key-management routes under `/api/token`, following the contract in
 * `cometapi-api.md`: HTTP 200 envelopes, create-time defaults, full-replacement update,
 * status-only update, the re-enable guard, soft delete, masking and reveal.
 */
import type { EmulatorContext, RequestInfo } from "./context";
import { decodeGoStruct, goAtoi } from "./goJson";
import { fail, ok, type Reply, tooManyRequests } from "./reply";
import { SERVER_PROFILES, type ServerProfile } from "./serverProfiles";
import type { EmulatorKeyRecord } from "./store";

export const MSG = {
  nameTooLong: "Token name is too long",
  quotaNegative: "Quota value cannot be negative",
  quotaTooLarge: (max: number) => `Quota value exceeds valid range, maximum is ${max}`,
  tooManyTokens: (max: number) => `已达到最大令牌数量限制 (${max})`,
  noGroupAccess: "no access to group",
  notFound: "record not found",
  emptyId: "id 或 userId 为空！",
  expiredCannotEnable:
    "Token has expired and cannot be enabled. Please modify the expiration time or set it to never expire",
  exhaustedCannotEnable:
    "Token quota is exhausted and cannot be enabled. Please modify the remaining quota or set it to unlimited",
  invalidParams: "Invalid parameters",
  batchTooMany: (max: number) => `Too many items in batch request, maximum is ${max}`,
  autoGroupsTooMany: (max: number) => `Too many auto groups, maximum is ${max}`,
  autoGroupsDuplicate: (group: string) => `Duplicate auto group: ${group}`,
  autoGroupsInvalid: (group: string) => `Auto group ${group} is not available`,
  fuzzyRefused: "令牌数量超过上限，仅允许精确搜索，请勿使用 % 通配符",
  doublePercent: "搜索模式中不允许包含连续的 % 通配符",
  tooManyPercent: "搜索模式中最多允许包含 2 个 % 通配符",
  fuzzyTooShort: "使用模糊搜索时，关键词长度至少为 2 个字符",
} as const;

const TOKEN_FIELDS = {
  id: "int",
  user_id: "int",
  key: "string",
  status: "int",
  name: "string",
  created_time: "int64",
  accessed_time: "int64",
  expired_time: "int64",
  remain_quota: "int",
  unlimited_quota: "bool",
  model_limits_enabled: "bool",
  model_limits: "string",
  allow_ips: "*string",
  used_quota: "int",
  group: "string",
  cross_group_retry: "bool",
  billing_type: "int",
  auto_groups: "[]string",
} as const;

/** A decoded create/update body with Go zero values applied. */
interface TokenBody {
  id: number;
  status: number;
  name: string;
  expired_time: number;
  remain_quota: number;
  unlimited_quota: boolean;
  model_limits_enabled: boolean;
  model_limits: string;
  allow_ips: string | null;
  group: string;
  cross_group_retry: boolean;
  /** `undefined`: not in the body (a full update then keeps the stored list). */
  auto_groups: string[] | null | undefined;
}

function profileOf(ctx: EmulatorContext): ServerProfile {
  return SERVER_PROFILES[ctx.switches.serverProfile];
}

/** The user whose keys the caller sees: its own, or every user's (undefined) for root when `rootSeesAllKeys`. */
function scopeOf(ctx: EmulatorContext, userId: number, root: boolean): number | undefined {
  return root && ctx.switches.rootSeesAllKeys ? undefined : userId;
}

function decodeTokenBody(
  ctx: EmulatorContext,
  text: string,
): { ok: true; body: TokenBody } | { ok: false; reply: Reply } {
  const type = profileOf(ctx).tokenBodyType;
  const r = decodeGoStruct(text, type.field, TOKEN_FIELDS, type.value);
  if (!r.ok) return { ok: false, reply: fail(r.message) };
  const v = r.value;
  return {
    ok: true,
    body: {
      id: (v.id as number | undefined) ?? 0,
      status: (v.status as number | undefined) ?? 0,
      name: (v.name as string | undefined) ?? "",
      expired_time: (v.expired_time as number | undefined) ?? 0,
      remain_quota: (v.remain_quota as number | undefined) ?? 0,
      unlimited_quota: (v.unlimited_quota as boolean | undefined) ?? false,
      model_limits_enabled: (v.model_limits_enabled as boolean | undefined) ?? false,
      model_limits: (v.model_limits as string | undefined) ?? "",
      allow_ips: (v.allow_ips as string | null | undefined) ?? null,
      group: (v.group as string | undefined) ?? "",
      cross_group_retry: (v.cross_group_retry as boolean | undefined) ?? false,
      auto_groups: v.auto_groups as string[] | null | undefined,
    },
  };
}

export function maskKey(key: string): string {
  if (key === "") return "";
  if (key.length <= 4) return "*".repeat(key.length);
  if (key.length <= 8) return `${key.slice(0, 2)}****${key.slice(-2)}`;
  return `${key.slice(0, 4)}**********${key.slice(-4)}`;
}

/** A record as the management API shows it (masked key unless masking is switched off), with the profile's extra fields. */
export function toWire(
  rec: EmulatorKeyRecord,
  mask: boolean,
  extras: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: rec.id,
    user_id: rec.user_id,
    key: mask ? maskKey(rec.key) : rec.key,
    status: rec.status,
    name: rec.name,
    created_time: rec.created_time,
    accessed_time: rec.accessed_time,
    expired_time: rec.expired_time,
    remain_quota: rec.remain_quota,
    unlimited_quota: rec.unlimited_quota,
    model_limits_enabled: rec.model_limits_enabled,
    model_limits: rec.model_limits,
    allow_ips: rec.allow_ips,
    used_quota: rec.used_quota,
    group: rec.group,
    cross_group_retry: rec.cross_group_retry,
    ...extras,
    DeletedAt: null,
  };
}

interface PageQuery {
  page: number;
  pageSize: number;
}

function atoiOrZero(s: string | null): number {
  if (s === null) return 0;
  const r = goAtoi(s);
  return r.ok ? r.value : 0;
}

/** `p` 1-based (missing/0/garbage → 1); `page_size`, else `ps`, else `size`, default 10, cap 100. */
export function pageQuery(q: URLSearchParams): PageQuery {
  let page = atoiOrZero(q.get("p"));
  if (page < 1) page = 1;
  let pageSize = atoiOrZero(q.get("page_size"));
  if (pageSize === 0) pageSize = atoiOrZero(q.get("ps"));
  if (pageSize === 0) pageSize = atoiOrZero(q.get("size"));
  if (pageSize === 0) pageSize = 10;
  if (pageSize > 100) pageSize = 100;
  return { page, pageSize };
}

/** Newest-first slice of an id-ascending list; a negative limit means no limit. */
function newestFirst(list: EmulatorKeyRecord[], offset: number, limit: number): EmulatorKeyRecord[] {
  const start = Math.max(offset, 0);
  const end = list.length - start;
  if (end <= 0) return [];
  const begin = limit < 0 ? 0 : Math.max(0, end - limit);
  const out: EmulatorKeyRecord[] = [];
  for (let i = end - 1; i >= begin; i--) out.push(list[i] as EmulatorKeyRecord);
  return out;
}

function nameTooLong(ctx: EmulatorContext, name: string): boolean {
  const length = ctx.switches.nameLimit === "bytes" ? Buffer.byteLength(name, "utf8") : [...name].length;
  return length > 50;
}

function maxQuota(ctx: EmulatorContext): number {
  return profileOf(ctx).quotaCap(ctx.switches.quotaPerUnit);
}

function wire(ctx: EmulatorContext, rec: EmulatorKeyRecord): Record<string, unknown> {
  const profile = profileOf(ctx);
  const autoGroups = profile.autoGroupsRoute
    ? { auto_groups: rec.auto_groups?.length ? rec.auto_groups : null }
    : {};
  return toWire(rec, ctx.switches.maskKeys, { ...profile.recordExtras, ...autoGroups });
}

/** The groups a key of group `auto` may try: the selectable ones but `auto` itself. */
function selectableAutoGroups(ctx: EmulatorContext): string[] {
  return ctx.switches.groups.map((g) => g.split("=")[0] as string).filter((g) => g !== "auto");
}

/**
 * `auto_groups` as a create or full update stores it (profiles that have it): validated and kept
 * for group `auto`, cleared for any other group; `keep` when an update's body has none.
 */
function autoGroupsOf(
  ctx: EmulatorContext,
  body: TokenBody,
  keep: string[] | null | undefined,
): { ok: true; value: string[] | null } | { ok: false; reply: Reply } {
  if (body.group !== "auto") return { ok: true, value: null };
  if (body.auto_groups === undefined) return { ok: true, value: keep ?? null };
  const groups = body.auto_groups ?? [];
  if (groups.length === 0) return { ok: true, value: null };
  const selectable = selectableAutoGroups(ctx);
  if (groups.length > selectable.length)
    return { ok: false, reply: fail(MSG.autoGroupsTooMany(selectable.length)) };
  const seen = new Set<string>();
  for (const group of groups) {
    if (seen.has(group)) return { ok: false, reply: fail(MSG.autoGroupsDuplicate(group)) };
    seen.add(group);
    if (!selectable.includes(group)) return { ok: false, reply: fail(MSG.autoGroupsInvalid(group)) };
  }
  return { ok: true, value: groups };
}

/** Checks 2 and 3 of create/update: name length and quota bounds. */
function checkNameAndQuota(ctx: EmulatorContext, body: TokenBody): Reply | undefined {
  if (nameTooLong(ctx, body.name)) return fail(MSG.nameTooLong);
  if (!body.unlimited_quota) {
    if (body.remain_quota < 0) return fail(MSG.quotaNegative);
    const max = maxQuota(ctx);
    if (body.remain_quota > max) return fail(MSG.quotaTooLarge(max));
  }
  return undefined;
}

function checkGroup(ctx: EmulatorContext, group: string): Reply | undefined {
  if (
    ctx.switches.groupCheck &&
    group !== "" &&
    !ctx.switches.groups.some((g) => g.split("=")[0] === group)
  ) {
    return fail(MSG.noGroupAccess);
  }
  return undefined;
}

// ---- handlers ---------------------------------------------------------------------------------

export function listTokens(ctx: EmulatorContext, req: RequestInfo, userId: number, root = false): Reply {
  const { page, pageSize } = pageQuery(req.query);
  // A root token lists every user's keys when `rootSeesAllKeys` (newer main-line new-api).
  const scope = scopeOf(ctx, userId, root);
  const list = scope === undefined ? ctx.store.allLive() : ctx.store.liveList(scope);
  const items = newestFirst(list, (page - 1) * pageSize, pageSize);
  return ok({
    page,
    page_size: pageSize,
    total: list.length,
    items: items.map((r) => wire(ctx, r)),
  });
}

type Matcher = { ok: true; test: (s: string) => boolean } | { ok: false; message: string };

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The service's LIKE rules: no `%` = exact; ≤ 2 `%`, no `%%`, ≥ 2 other characters. */
function likeMatcher(pattern: string): Matcher {
  if (pattern.includes("%%")) return { ok: false, message: MSG.doublePercent };
  const count = pattern.split("%").length - 1;
  if (count > 2) return { ok: false, message: MSG.tooManyPercent };
  if (count === 0) return { ok: true, test: (s) => s === pattern };
  if (Buffer.byteLength(pattern.replaceAll("%", ""), "utf8") < 2)
    return { ok: false, message: MSG.fuzzyTooShort };
  const re = new RegExp(`^${pattern.split("%").map(escapeRegex).join(".*")}$`, "s");
  return { ok: true, test: (s) => re.test(s) };
}

export function searchTokens(ctx: EmulatorContext, req: RequestInfo, userId: number): Reply {
  const limits = ctx.switches.rateLimits;
  if (limits && !ctx.limiter.take(`search:${userId}`, limits.searchPerMinute, 60_000, ctx.clock.nowMs())) {
    return tooManyRequests(profileOf(ctx).retryAfter ? 60 : undefined);
  }
  const { page, pageSize } = pageQuery(req.query);
  const keyword = req.query.get("keyword") ?? "";
  let token = req.query.get("token") ?? "";
  if (token !== "" && token.startsWith("sk-")) token = token.slice(3);
  const list = ctx.store.liveList(userId);
  if ((keyword.includes("%") || token.includes("%")) && list.length > ctx.switches.maxUserTokens) {
    return fail(MSG.fuzzyRefused);
  }
  let matches = list;
  if (keyword !== "") {
    const m = likeMatcher(keyword);
    if (!m.ok) return fail(m.message);
    matches = matches.filter((r) => m.test(r.name));
  }
  if (token !== "") {
    const m = likeMatcher(token);
    if (!m.ok) return fail(m.message);
    matches = matches.filter((r) => m.test(r.key));
  }
  const limit = pageSize <= 0 || pageSize > 100 ? 100 : pageSize;
  const items = newestFirst(matches, (page - 1) * pageSize, limit);
  return ok({
    page,
    page_size: pageSize,
    total: matches.length,
    items: items.map((r) => wire(ctx, r)),
  });
}

/** Loads the caller's live record named by the `:id` path parameter. */
function loadByParam(
  ctx: EmulatorContext,
  req: RequestInfo,
  userId: number,
  root: boolean,
): { ok: true; rec: EmulatorKeyRecord } | { ok: false; reply: Reply } {
  const parsed = goAtoi(req.params.id ?? "");
  if (!parsed.ok) return { ok: false, reply: fail(parsed.message) };
  return loadById(ctx, parsed.value, userId, root);
}

/** The live record `id` if the caller may see it: its own, or any when the caller is root. */
function loadById(
  ctx: EmulatorContext,
  id: number,
  userId: number,
  root: boolean,
): { ok: true; rec: EmulatorKeyRecord } | { ok: false; reply: Reply } {
  if (id === 0) return { ok: false, reply: fail(MSG.emptyId) };
  const rec = ctx.store.getLive(id, scopeOf(ctx, userId, root));
  if (!rec) return { ok: false, reply: fail(MSG.notFound) };
  return { ok: true, rec };
}

export function getToken(ctx: EmulatorContext, req: RequestInfo, userId: number, root = false): Reply {
  const r = loadByParam(ctx, req, userId, root);
  if (!r.ok) return r.reply;
  return ok(wire(ctx, r.rec));
}

export function createToken(ctx: EmulatorContext, req: RequestInfo, userId: number): Reply {
  const decoded = decodeTokenBody(ctx, req.body);
  if (!decoded.ok) return decoded.reply;
  const body = decoded.body;
  const refused = checkNameAndQuota(ctx, body);
  if (refused) return refused;
  const max = ctx.switches.maxUserTokens;
  if (ctx.store.liveCount(userId) >= max) return fail(MSG.tooManyTokens(max));
  const groupRefused = checkGroup(ctx, body.group);
  if (groupRefused) return groupRefused;
  const autoGroups = profileOf(ctx).autoGroupsRoute ? autoGroupsOf(ctx, body, undefined) : undefined;
  if (autoGroups && !autoGroups.ok) return autoGroups.reply;
  const now = ctx.clock.now();
  ctx.store.insert({
    user_id: userId,
    key: ctx.store.newKey(),
    status: 1,
    name: body.name,
    created_time: now,
    accessed_time: now,
    expired_time: body.expired_time === 0 ? -1 : body.expired_time,
    remain_quota: body.remain_quota,
    unlimited_quota: body.unlimited_quota,
    model_limits_enabled: body.model_limits_enabled,
    model_limits: body.model_limits,
    allow_ips: body.allow_ips ?? "",
    used_quota: 0,
    group: body.group,
    cross_group_retry: profileOf(ctx).crossGroupRetry(body.cross_group_retry, body.group),
    ...(autoGroups ? { auto_groups: autoGroups.value } : {}),
  });
  return ok();
}

export function updateToken(ctx: EmulatorContext, req: RequestInfo, userId: number, root = false): Reply {
  const decoded = decodeTokenBody(ctx, req.body);
  if (!decoded.ok) return decoded.reply;
  const body = decoded.body;
  const refused = checkNameAndQuota(ctx, body);
  if (refused) return refused;
  const loaded = loadById(ctx, body.id, userId, root);
  if (!loaded.ok) return loaded.reply;
  const rec = loaded.rec;
  const statusOnly = (req.query.get("status_only") ?? "") !== "";
  if (body.status === 1) {
    const now = ctx.clock.now();
    if (rec.status === 3 && rec.expired_time <= now && rec.expired_time !== -1) {
      return fail(MSG.expiredCannotEnable);
    }
    if (rec.status === 4 && rec.remain_quota <= 0 && !rec.unlimited_quota) {
      return fail(MSG.exhaustedCannotEnable);
    }
  }
  if (statusOnly) {
    rec.status = body.status;
  } else {
    const groupRefused = checkGroup(ctx, body.group);
    if (groupRefused) return groupRefused;
    const autoGroups = profileOf(ctx).autoGroupsRoute ? autoGroupsOf(ctx, body, rec.auto_groups) : undefined;
    if (autoGroups && !autoGroups.ok) return autoGroups.reply;
    if (autoGroups) rec.auto_groups = autoGroups.value;
    rec.name = body.name;
    if (!ctx.switches.updateKeepsExpiry) rec.expired_time = body.expired_time;
    rec.remain_quota = body.remain_quota;
    rec.unlimited_quota = body.unlimited_quota;
    rec.model_limits_enabled = body.model_limits_enabled;
    rec.model_limits = body.model_limits;
    rec.allow_ips = body.allow_ips;
    rec.group = body.group;
    rec.cross_group_retry = profileOf(ctx).crossGroupRetry(body.cross_group_retry, body.group);
    if (ctx.switches.fullUpdateAppliesStatus) rec.status = body.status;
  }
  ctx.store.changed();
  return ok(wire(ctx, rec));
}

export function deleteToken(ctx: EmulatorContext, req: RequestInfo, userId: number, root = false): Reply {
  const parsed = goAtoi(req.params.id ?? "");
  const loaded = loadById(ctx, parsed.ok ? parsed.value : 0, userId, root);
  if (!loaded.ok) return loaded.reply;
  ctx.store.softDelete(loaded.rec, new Date(ctx.clock.nowMs()).toISOString());
  return ok();
}

/** The reveal limit's 429 (with the window as `Retry-After` where the profile sends it), or undefined. */
function revealRefused(ctx: EmulatorContext, req: RequestInfo): Reply | undefined {
  const limits = ctx.switches.rateLimits;
  if (!limits) return undefined;
  const windowMs = limits.revealWindowSeconds * 1000;
  if (ctx.limiter.take(`reveal:${req.ip}`, limits.revealMax, windowMs, ctx.clock.nowMs())) return undefined;
  return tooManyRequests(profileOf(ctx).retryAfter ? limits.revealWindowSeconds : undefined);
}

export function revealKey(ctx: EmulatorContext, req: RequestInfo, userId: number, root = false): Reply {
  const refused = revealRefused(ctx, req);
  if (refused) return refused;
  const r = loadByParam(ctx, req, userId, root);
  if (!r.ok) return r.reply;
  return ok({ key: r.rec.key });
}

export function revealKeysBatch(ctx: EmulatorContext, req: RequestInfo, userId: number, root = false): Reply {
  const refused = revealRefused(ctx, req);
  if (refused) return refused;
  const batch = batchIds(req);
  if (!batch.ok) return batch.reply;
  const keys: Record<string, string> = {};
  for (const id of batch.ids) {
    const rec = ctx.store.getLive(id, scopeOf(ctx, userId, root));
    if (rec) keys[String(id)] = rec.key;
  }
  return ok({ keys });
}

/** Reads the `{"ids": [...]}` body of a batch route: the ids, or the refusal. */
function batchIds(req: RequestInfo): { ok: true; ids: number[] } | { ok: false; reply: Reply } {
  const decoded = decodeGoStruct(req.body, "TokenBatch", { ids: "[]int" });
  const ids = decoded.ok ? ((decoded.value.ids as number[] | undefined) ?? []) : [];
  if (ids.length === 0) return { ok: false, reply: fail(MSG.invalidParams) };
  if (ids.length > 100) return { ok: false, reply: fail(MSG.batchTooMany(100)) };
  return { ok: true, ids };
}

/** `POST /api/token/batch`: deletes the caller's keys among `ids`; `data` = how many were deleted. */
export function deleteTokensBatch(
  ctx: EmulatorContext,
  req: RequestInfo,
  userId: number,
  root = false,
): Reply {
  const batch = batchIds(req);
  if (!batch.ok) return batch.reply;
  let deleted = 0;
  for (const id of new Set(batch.ids)) {
    const rec = ctx.store.getLive(id, scopeOf(ctx, userId, root));
    if (!rec) continue;
    ctx.store.softDelete(rec, new Date(ctx.clock.nowMs()).toISOString());
    deleted += 1;
  }
  return ok(deleted);
}

/** `GET /api/token/auto-groups` (upstream-2026-08): the groups a key of group `auto` may use, and their maximum. */
export function getAutoGroups(ctx: EmulatorContext): Reply {
  const groups = selectableAutoGroups(ctx);
  return ok({ groups, max_count: groups.length });
}
