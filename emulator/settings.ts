/**
 * Every setting of the emulator, described once. Start options apply when it starts; switches
 * also change at run time (`PUT /_emulator/switches`), each choosing between what the new-api
 * source does ([code]) and what CometAPI documents ([docs]) where they disagree, or tuning a
 * number. The types and defaults come from these tables, and so do the CLI's flags, environment
 * variables and `--help` (cliSettings.ts).
 */
import { rateLimitsKind } from "./rateLimitSettings";
import { SERVER_PROFILE_NAMES } from "./serverProfiles";
import { nonNegative, oneOf, type SettingKind, text, textList, yesNo } from "./settingKinds";

export interface Setting<T> {
  readonly kind: SettingKind<T>;
  /** The setting in a line of `--help`. */
  readonly help: string;
  /** The value when it is not given. */
  readonly default?: T;
  /** What not giving it means, for `--help`, when there is no default value. */
  readonly unset?: string;
  /** The CLI flag, when it is not the kebab-case of the name. */
  readonly flag?: string;
}

type ValueOf<S> = S extends Setting<infer T> ? T : never;

function defaulted<T>(kind: SettingKind<T>, value: NoInfer<T>, help: string): Setting<T> & { default: T } {
  return { kind, default: value, help };
}

function optional<T>(kind: SettingKind<T>, help: string, unset: string, flag?: string): Setting<T> {
  return { kind, help, unset, flag };
}

export const START_OPTIONS = {
  /** Port on 127.0.0.1; 0 picks a free one. @default 0 @example startEmulator({ port: 8787 }) */
  port: defaulted(nonNegative("integer"), 0, "port on 127.0.0.1; 0 picks a free one"),
  /**
   * JSON file persisting users, keys and the id counter across restarts (written atomically,
   * coalesced; `close()` flushes). In memory only when unset.
   * @default undefined @example startEmulator({ dataFile: ".state/emulator.json" })
   */
  dataFile: optional(text("FILE"), "JSON file keeping users and keys across restarts", "in memory", "data"),
  /**
   * Users to have at start (more are kept if the data file already has them).
   * @default 1 @example startEmulator({ users: 2 })
   */
  users: defaulted(nonNegative("integer"), 1, "users at start (more if the data file has them)"),
  /**
   * Token for the control API.
   * @default a random one (or the one in the data file) @example startEmulator({ adminToken: "t" })
   */
  adminToken: optional(text("TOKEN"), "token of the control API", "random, or the data file's"),
  /**
   * Fixed start time, unix seconds: the clock is then frozen and moves only through the control
   * API. When unset the clock follows real time (plus any advance).
   * @default real time @example startEmulator({ clock: 1_750_000_000 })
   */
  clock: optional(nonNegative("integer"), "frozen start time, unix seconds", "real time"),
};

export const SWITCHES = {
  /**
   * The real new-api build to play (serverProfiles.ts has what differs): `"upstream-2026-08"`
   * (upstream at e2c7aa7, the newest) or `"new-api-2026-03"` (the build modelled before it).
   * @default "upstream-2026-08" @example startEmulator({ serverProfile: "new-api-2026-03" })
   */
  serverProfile: defaulted(
    oneOf(...SERVER_PROFILE_NAMES),
    "upstream-2026-08",
    "the new-api build to play: upstream-2026-08 or new-api-2026-03",
  ),
  /**
   * A root user's token lists, reads and changes every user's keys (newer main-line new-api);
   * `false`: only its own, like every other user (upstream 2026-08, `GetTokenByIds` by caller).
   * @default false @example startEmulator({ rootSeesAllKeys: true })
   */
  rootSeesAllKeys: defaulted(yesNo, false, "a root token sees every user's keys (newer main line)"),
  /**
   * Require the `New-Api-User` header on management routes ([code]); `false` = [docs]. Only the
   * `new-api-2026-03` profile checks it; `upstream-2026-08` never does.
   * @default true @example startEmulator({ serverProfile: "new-api-2026-03", requireUserHeader: false })
   */
  requireUserHeader: defaulted(
    yesNo,
    true,
    "require the New-Api-User header (new-api-2026-03 only); false = [docs]",
  ),
  /**
   * Mask `key` in list/get/search/update responses and serve the reveal routes ([code]).
   * `false` ([docs], an older build): full key everywhere and both reveal routes answer the
   * unknown-route 404.
   * @default true @example startEmulator({ maskKeys: false })
   */
  maskKeys: defaulted(yesNo, true, "mask keys, serve the reveal routes ([code]); false = [docs]"),
  /**
   * How the 50-long name limit counts: UTF-8 bytes ([code]) or characters ([docs]).
   * @default "bytes" @example startEmulator({ nameLimit: "chars" })
   */
  nameLimit: defaulted(oneOf("bytes", "chars"), "bytes", "the name limit counts bytes ([code]) or chars"),
  /**
   * A full PUT (no `status_only`) also sets `status` from the body ([docs]); an omitted status
   * then becomes 0. The re-enable guard still applies when the body status is 1.
   * @default false @example startEmulator({ fullUpdateAppliesStatus: true })
   */
  fullUpdateAppliesStatus: defaulted(yesNo, false, "a full PUT also sets status, omitted = 0 ([docs])"),
  /**
   * A full PUT leaves `expired_time` as it was: a build or fork that cannot move a key's expiry on
   * update (none of the real builds we know). The provider must notice it from the answer.
   * @default false @example startEmulator({ updateKeepsExpiry: true })
   */
  updateKeepsExpiry: defaulted(
    yesNo,
    false,
    "a full PUT leaves expired_time as it was (a build that cannot move expiry)",
  ),
  /**
   * Refuse a non-empty `group` not in `groups` on create/update ([docs]).
   * @default false @example startEmulator({ groupCheck: true })
   */
  groupCheck: defaulted(yesNo, false, "refuse a group not in --groups ([docs])"),
  /**
   * The groups every account may use: what `GET /api/user/self/groups` lists (each `name` or
   * `name=ratio`, ratio 1 when not given) and what `groupCheck` allows.
   * @default ["default", "vip", "auto"] @example startEmulator({ groups: ["default", "vip=2"] })
   */
  groups: defaulted(
    textList,
    ["default", "vip", "auto"],
    "the account's usable groups (name or name=ratio); what --group-check allows",
  ),
  /**
   * The model ids the usable groups serve (`GET /api/user/models`): an id is served in every
   * group, `id@group` in that group only.
   * @default the five models of the model side, o1 and claude-3-5-haiku-latest
   * @example startEmulator({ models: ["gpt-4o", "o1@vip"] })
   */
  models: defaulted(
    textList,
    [
      "gpt-4o",
      "gpt-4o-mini",
      "o1",
      "claude-3-5-sonnet",
      "claude-3-5-haiku-latest",
      "gemini-1.5-pro",
      "deepseek-chat",
    ],
    "model ids the usable groups serve (id, or id@group for one group)",
  ),
  /**
   * Serve `GET /api/user/models` and `GET /api/user/self/groups`; `false` plays an older build
   * without them (both answer the unknown-route 404).
   * @default true @example startEmulator({ accountRoutes: false })
   */
  accountRoutes: defaulted(yesNo, true, "serve /api/user/models and /api/user/self/groups"),
  /**
   * The account's own group and quota balance as `GET /api/user/self` reports them.
   * @default "default" @example startEmulator({ userGroup: "vip" })
   */
  userGroup: defaulted(text("GROUP"), "default", "the account's group in /api/user/self"),
  /** The account's quota balance in `/api/user/self`. @default 50000000 @example startEmulator({ userQuota: 0 }) */
  userQuota: defaulted(nonNegative("integer"), 50_000_000, "the account's quota balance in /api/user/self"),
  /**
   * `"lazy"`: model calls write status 3 (past expiry) / 4 (limited and remain <= 0);
   * `"never"`: they refuse but never write the status (a cache-layer deployment).
   * @default "lazy" @example startEmulator({ statusFlips: "never" })
   */
  statusFlips: defaulted(oneOf("lazy", "never"), "lazy", "model calls write status 3/4, or never"),
  /** Maximum non-deleted keys per user. @default 1000 @example startEmulator({ maxUserTokens: 10 }) */
  maxUserTokens: defaulted(nonNegative("integer"), 1000, "maximum non-deleted keys per user"),
  /**
   * QuotaPerUnit; on `new-api-2026-03` a limited key's `remain_quota` may not exceed 1e9 × this
   * (upstream-2026-08 caps it at 2147483647 whatever this is).
   * @default 500000 @example startEmulator({ serverProfile: "new-api-2026-03", quotaPerUnit: 1 })
   */
  quotaPerUnit: defaulted(
    nonNegative("number"),
    500000,
    "new-api-2026-03: a limited key's quota is at most 1e9 × this",
  ),
  /**
   * Rate limits, or `false` for none. Exceeding one answers HTTP 429 with an empty body, and on
   * `upstream-2026-08` a `Retry-After` of the limit's full window. `true`/`"default"` =
   * {180, 360, 10, 1200, 20} (upstream 2026-08; the 2026-03 build allowed 180 per 180 s).
   * @default false @example startEmulator({ rateLimits: { ...DEFAULT_RATE_LIMITS, maxRequests: 10 } })
   */
  rateLimits: defaulted(rateLimitsKind, false, "new-api's rate limits; default = 180,360,10,1200,20"),
  /** Quota charged per accepted model call. @default 1000 @example startEmulator({ chargePerRequest: 25 }) */
  chargePerRequest: defaulted(nonNegative("integer"), 1000, "quota charged per accepted model call"),
  /** Milliseconds added to every `/api` response. @default 0 @example startEmulator({ latencyMs: 25 }) */
  latencyMs: defaulted(nonNegative("number"), 0, "milliseconds added to every /api answer"),
};

export type EmulatorStartOptions = { [K in keyof typeof START_OPTIONS]: ValueOf<(typeof START_OPTIONS)[K]> };
export type EmulatorSwitches = { [K in keyof typeof SWITCHES]: ValueOf<(typeof SWITCHES)[K]> };
export type EmulatorOptions = Partial<EmulatorStartOptions & EmulatorSwitches>;

export const SWITCH_NAMES = Object.keys(SWITCHES) as (keyof EmulatorSwitches)[];

export function defaultSwitches(): EmulatorSwitches {
  const defaults = Object.fromEntries(SWITCH_NAMES.map((n) => [n, SWITCHES[n].default]));
  return structuredClone(defaults) as EmulatorSwitches;
}
