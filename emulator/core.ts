/**
 * The emulator's state and the operations the control API exposes on it (independent of HTTP).
 */
import { EmulatorClock } from "./clock";
import type { EmulatorContext, RequestInfo } from "./context";
import { RequestCounter } from "./counts";
import { FaultRegistry } from "./faults";
import { applyLazyFlips, charge } from "./modelApi";
import { RateLimiter } from "./rateLimit";
import { SettingError } from "./settingKinds";
import type { EmulatorSwitches } from "./settings";
import type { EmulatorKeyRecord, EmulatorStore, EmulatorUser } from "./store";
import { validateSwitchPatch } from "./switchPatch";

export class ControlError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const EDITABLE: Record<string, "number" | "string" | "boolean" | "string|null" | "string[]|null"> = {
  user_id: "number",
  key: "string",
  status: "number",
  name: "string",
  created_time: "number",
  accessed_time: "number",
  expired_time: "number",
  remain_quota: "number",
  unlimited_quota: "boolean",
  model_limits_enabled: "boolean",
  model_limits: "string",
  allow_ips: "string|null",
  used_quota: "number",
  group: "string",
  cross_group_retry: "boolean",
  auto_groups: "string[]|null",
};

function checkPatch(patch: unknown): Partial<EmulatorKeyRecord> {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
    throw new ControlError("fields must be a JSON object");
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === "id" || k === "DeletedAt") continue;
    const type = EDITABLE[k];
    if (!type) throw new ControlError(`unknown field ${k}`);
    const good =
      type === "string[]|null"
        ? v === null || (Array.isArray(v) && v.every((g) => typeof g === "string"))
        : type === "string|null"
          ? v === null || typeof v === "string"
          : type === "number"
            ? typeof v === "number" && Number.isInteger(v)
            : typeof v === type;
    if (!good) throw new ControlError(`${k} must be ${type === "number" ? "an integer" : type}`);
    out[k] = v;
  }
  return out as Partial<EmulatorKeyRecord>;
}

/** Usage charged on a schedule while a run goes on: every live key (of one user) each `everyMs`. */
export interface UsageSchedule {
  /** Quota charged to each key per tick. */
  quota: number;
  /** Milliseconds between ticks. */
  everyMs: number;
  /** Only this user's keys; every user's when unset. */
  userId?: number;
}

export class EmulatorCore {
  readonly ctx: EmulatorContext;
  readonly faults = new FaultRegistry();
  readonly counts = new RequestCounter();
  /** Work scheduled for later (late commits), so `settle()` can wait for it. */
  private readonly scheduled = new Set<Promise<void>>();
  private usageTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly startSwitches: EmulatorSwitches,
    store: EmulatorStore,
    clockStart?: number,
  ) {
    this.ctx = {
      store,
      clock: new EmulatorClock(clockStart),
      switches: structuredClone(startSwitches),
      limiter: new RateLimiter(),
    };
  }

  setSwitches(patch: unknown): EmulatorSwitches {
    let valid: Partial<EmulatorSwitches>;
    try {
      valid = validateSwitchPatch(patch);
    } catch (e) {
      if (e instanceof SettingError) throw new ControlError(e.message);
      throw e;
    }
    Object.assign(this.ctx.switches, valid);
    if (valid.rateLimits !== undefined) this.ctx.limiter.reset();
    return structuredClone(this.ctx.switches);
  }

  keys(userId?: number): EmulatorKeyRecord[] {
    return this.ctx.store.allLive(userId).map((r) => ({ ...r }));
  }

  private live(id: number): EmulatorKeyRecord {
    const rec = this.ctx.store.getLive(id);
    if (!rec) throw new ControlError(`no live key with id ${id}`, 404);
    return rec;
  }

  /** As if a model call was charged: quota moves, `accessed_time` = now, then the lazy flip rules. */
  chargeKey(id: number, quota: unknown): EmulatorKeyRecord {
    if (typeof quota !== "number" || !Number.isInteger(quota))
      throw new ControlError("quota must be an integer");
    const rec = this.live(id);
    charge(this.ctx, rec, quota);
    applyLazyFlips(this.ctx, rec);
    return { ...rec };
  }

  /** An out-of-band console edit: any wire field, no validation of values. */
  editKey(id: number, patch: unknown): EmulatorKeyRecord {
    const fields = checkPatch(patch);
    const rec = this.live(id);
    if (fields.key !== undefined && fields.key !== rec.key) {
      if (this.ctx.store.liveByKey(fields.key)) throw new ControlError("key already in use");
      this.ctx.store.rekey(rec, fields.key);
    }
    if (fields.user_id !== undefined && fields.user_id !== rec.user_id) {
      throw new ControlError("user_id cannot be changed");
    }
    const { key: _key, ...rest } = fields;
    Object.assign(rec, rest);
    this.ctx.store.changed();
    return { ...rec };
  }

  /** A key made in the console (no validation, no `max_user_tokens`). */
  createKeyDirect(userId: unknown, fieldsInput: unknown): EmulatorKeyRecord {
    if (typeof userId !== "number" || !this.ctx.store.hasUser(userId))
      throw new ControlError("unknown userId");
    const fields = checkPatch(fieldsInput ?? {});
    const now = this.ctx.clock.now();
    const key = fields.key ?? this.ctx.store.newKey();
    if (this.ctx.store.liveByKey(key)) throw new ControlError("key already in use");
    const rec = this.ctx.store.insert({
      user_id: userId,
      key,
      status: fields.status ?? 1,
      name: fields.name ?? "",
      created_time: fields.created_time ?? now,
      accessed_time: fields.accessed_time ?? now,
      expired_time: fields.expired_time ?? -1,
      remain_quota: fields.remain_quota ?? 0,
      unlimited_quota: fields.unlimited_quota ?? false,
      model_limits_enabled: fields.model_limits_enabled ?? false,
      model_limits: fields.model_limits ?? "",
      allow_ips: fields.allow_ips === undefined ? "" : fields.allow_ips,
      used_quota: fields.used_quota ?? 0,
      group: fields.group ?? "",
      cross_group_retry: fields.cross_group_retry ?? false,
    });
    return { ...rec };
  }

  addUser(options: unknown = {}): EmulatorUser {
    const root = (options as { root?: unknown } | null)?.root;
    if (root !== undefined && typeof root !== "boolean") throw new ControlError("root must be a boolean");
    return this.ctx.store.addUser(undefined, root === true);
  }

  /** Runs `work` after `ms` (a request that commits late); `settle()` waits for it. */
  later(ms: number, work: () => void): void {
    const done: Promise<void> = new Promise((resolve) => {
      setTimeout(() => {
        try {
          work();
        } finally {
          this.scheduled.delete(done);
          resolve();
        }
      }, ms);
    });
    this.scheduled.add(done);
  }

  /** Waits until everything scheduled with `later` has happened. */
  async settle(): Promise<void> {
    while (this.scheduled.size > 0) await Promise.all([...this.scheduled]);
  }

  /** Charges the key a request names (body `id`, else path `:id`), if it exists: usage racing a write. */
  chargeNamedKey(req: RequestInfo, params: Record<string, string>, quota: number): void {
    let id = Number(params.id);
    try {
      const body = JSON.parse(req.body) as { id?: unknown };
      if (typeof body?.id === "number") id = body.id;
    } catch {
      // no JSON body: the path id, if any
    }
    const rec = Number.isInteger(id) ? this.ctx.store.getLive(id) : undefined;
    if (!rec) return;
    charge(this.ctx, rec, quota);
    applyLazyFlips(this.ctx, rec);
  }

  /** Starts (or replaces) usage charged on a schedule; `stopUsage` ends it. */
  startUsage(input: unknown): UsageSchedule {
    const o = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
    const { quota, everyMs, userId } = o;
    if (typeof quota !== "number" || !Number.isInteger(quota) || quota < 0)
      throw new ControlError("quota must be an integer >= 0");
    if (typeof everyMs !== "number" || !Number.isFinite(everyMs) || everyMs < 1)
      throw new ControlError("everyMs must be a number >= 1");
    if (userId !== undefined && (typeof userId !== "number" || !this.ctx.store.hasUser(userId)))
      throw new ControlError("unknown userId");
    const schedule: UsageSchedule = { quota, everyMs, ...(userId === undefined ? {} : { userId }) };
    this.stopUsage();
    this.usageTimer = setInterval(() => {
      for (const rec of this.ctx.store.allLive(schedule.userId)) {
        charge(this.ctx, rec, schedule.quota);
        applyLazyFlips(this.ctx, rec);
      }
    }, everyMs);
    this.usageTimer.unref();
    return schedule;
  }

  stopUsage(): void {
    if (this.usageTimer) clearInterval(this.usageTimer);
    this.usageTimer = undefined;
  }

  /** Keys, faults, counters, rate-limit windows, clock and switches back to the start; users kept. */
  reset(): void {
    this.stopUsage();
    this.ctx.store.clearKeys();
    this.faults.clear();
    this.counts.reset();
    this.ctx.limiter.reset();
    this.ctx.clock.reset();
    for (const k of Object.keys(this.ctx.switches))
      delete (this.ctx.switches as unknown as Record<string, unknown>)[k];
    Object.assign(this.ctx.switches, structuredClone(this.startSwitches));
  }
}
