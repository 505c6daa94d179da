// Written by `npm run schema` from provider/model/description.ts and provider/model/fields.ts:
// edit those, not this file.
import type * as pulumi from "@pulumi/pulumi";

/** What the service says about a key: the user's wish (`enabled`/`disabled`) or the server's facts. */
export type KeyStatus = "enabled" | "disabled" | "expired" | "exhausted";

/** A key retired by a replacement (`retireAfter`), while it still works. */
export interface RetiredKey {
  /** The retired key's numeric id. */
  keyId: number;
  /** When it stops working (its expiry, ISO-8601 UTC). */
  retiresAt: string;
}

/** The arguments of a `CometApiKey`. Exactly one of `quota` and `unlimitedQuota: true` is required. */
export interface CometApiKeyArgs {
  /**
   * Display name in the CometAPI console, at most 50 bytes of UTF-8 (the stricter of the service's
   * two rules: 50 ASCII characters, 16 CJK characters). Names need not be unique. Changes in place.
   * @default the resource's logical name plus a random suffix, e.g. `backend-3f9a2c1`
   * @example name: "backend-production"
   */
  name?: pulumi.Input<string>;
  /**
   * When the key stops working: an ISO-8601 timestamp with a time zone (or a date, read as UTC
   * midnight) or unix seconds. Must be in the future when the key is created. Changes in place;
   * moving it into the future revives an expired key.
   * @default never expires
   * @example expiresAt: "2027-01-31T00:00:00Z"
   */
  expiresAt?: pulumi.Input<string | number>;
  /**
   * The key's allotment in CometAPI quota units (500000 units = $1 by default), a whole number from
   * 0 to 2147483647 (larger allotments: unlimitedQuota). An allotment, not a mirror: usage lowers
   * `remainingQuota` and never shows as drift. Changing it sets the remaining quota to the new
   * value (a top-up), in place.
   * @default none: set `quota` or `unlimitedQuota: true`
   * @example quota: 5_000_000 // $10
   */
  quota?: pulumi.Input<number>;
  /**
   * No quota limit (usage is still counted in `usedQuota`). Excludes `quota`.
   * @default false
   * @example unlimitedQuota: true
   */
  unlimitedQuota?: pulumi.Input<boolean>;
  /**
   * Model ids the key may call; each without commas or spaces, each once. Compared as a set.
   * @default [] (every model the account can use)
   * @example models: ["gpt-4o-mini", "claude-3-5-haiku-latest"]
   */
  models?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Client addresses allowed to use the key: IPv4/IPv6 addresses and CIDRs, each once. Compared as
   * a set in canonical form (`1.2.3.4` equals `1.2.3.4/32`); a CIDR with host bits set is refused.
   * @default [] (any address)
   * @example allowIps: ["10.0.0.0/8", "2001:db8::/32"]
   */
  allowIps?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The account group whose channels serve this key (`"auto"` lets the service choose).
   * @default "" (the account's default group)
   * @example group: "auto"
   */
  group?: pulumi.Input<string>;
  /**
   * Retry a failed request in another group; only with `group: "auto"`.
   * @default false
   * @example crossGroupRetry: true
   */
  crossGroupRetry?: pulumi.Input<boolean>;
  /**
   * The groups `group: "auto"` tries, in this order (a reorder is a change): each a group the
   * account may select, each once. Empty: the service's own order. Only with `group: "auto"`;
   * service builds from before new-api's `auto_groups` (2026-08) refuse a non-empty list.
   * @default [] (the service's order)
   * @example autoGroups: ["vip", "default"]
   */
  autoGroups?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Whether the key may be used. `false` disables it (status-only update, in place). An expired or
   * exhausted key is re-enabled once its expiry or quota is fixed in the same update.
   * @default true
   * @example enabled: false
   */
  enabled?: pulumi.Input<boolean>;
  /**
   * Take over this existing key (by its numeric id, as the console shows it) instead of creating
   * one; it is converged to these arguments, its remaining quota set to `quota`. With the native
   * plugin, `pulumi import` is the usual way to take over a key; with the dynamic provider (where
   * import cannot work) this is the way. Deleting the resource deletes the key (use the
   * `retainOnDelete` resource option to keep it).
   * @default none: a new key is created
   * @example adoptKeyId: 1234
   */
  adoptKeyId?: pulumi.Input<number>;
  /**
   * Rotate the key on a schedule: its lifetime as a duration (`"30d"`, `"720h"`, `"1d12h"`; units
   * w, d, h, m, s; at least 1h). Unless `expiresAt` is set, the key expires this long after the
   * server created it. From `rotateBefore` earlier on, the first `pulumi preview`/`pulumi up` shows
   * a replacement and `pulumi up` makes it: a new key is created, everything that uses `key` gets
   * the new value, then the old key is deleted. Times are the server's: the key's `createdAt` and
   * the `Date` header of its answers. Not with `adoptKeyId`. Changing it moves the expiry, in
   * place.
   * @default none: the key is only replaced when its inputs say so
   * @example rotateAfter: "30d"
   */
  rotateAfter?: pulumi.Input<string>;
  /**
   * The early-rotation window: how long before the end of the `rotateAfter` lifetime a run replaces
   * the key (a duration shorter than `rotateAfter`; `"0s"` rotates only once the lifetime is over,
   * by when the key has expired). Only with `rotateAfter`.
   * @default a tenth of `rotateAfter` (3d for "30d")
   * @example rotateBefore: "7d"
   */
  rotateBefore?: pulumi.Input<string>;
  /**
   * A grace period for replaced keys. When the key is replaced (a due rotation, a changed
   * `replacementTrigger`, `pulumi up --replace`) the old key is not deleted at the end of the run:
   * it keeps working this long (never past its own expiry), then the server refuses it; the next
   * `pulumi up` lists it in `retiredKeys` and deletes it once its grace is over. Destroying the
   * resource still deletes its key at once. At least 1m.
   * @default undefined: the old key is deleted at the end of the replacing run
   * @example retireAfter: "24h"
   */
  retireAfter?: pulumi.Input<string>;
}

/** The outputs of a `CometApiKey`: every input, normalised, and what the service reports. */
export interface CometApiKeyOutputs {
  /** The display name (generated when not given). */
  readonly name: pulumi.Output<string>;
  /** The expiry as ISO-8601 UTC, or undefined when the key never expires. */
  readonly expiresAt: pulumi.Output<string | undefined>;
  /** The configured allotment (not the live remainder; see `remainingQuota`). */
  readonly quota: pulumi.Output<number | undefined>;
  /** Whether the key has no quota limit. */
  readonly unlimitedQuota: pulumi.Output<boolean>;
  /** Allowed models, in the order written. */
  readonly models: pulumi.Output<string[]>;
  /** Allowed addresses and CIDRs in canonical form, in the order written. */
  readonly allowIps: pulumi.Output<string[]>;
  /** The account group serving the key (empty: the account's default group). */
  readonly group: pulumi.Output<string>;
  /** Whether a failed request is retried in another group. */
  readonly crossGroupRetry: pulumi.Output<boolean>;
  /** The groups `group: "auto"` tries, in the order written (empty: the service's order). */
  readonly autoGroups: pulumi.Output<string[]>;
  /** The wish: whether the key should be usable. */
  readonly enabled: pulumi.Output<boolean>;
  /** The id of the key taken over at create, when `adoptKeyId` was set. */
  readonly adoptKeyId: pulumi.Output<number | undefined>;
  /** The rotation lifetime as given, or undefined when the key does not rotate. */
  readonly rotateAfter: pulumi.Output<string | undefined>;
  /** The early-rotation window as given (undefined: the default, a tenth of `rotateAfter`). */
  readonly rotateBefore: pulumi.Output<string | undefined>;
  /** The grace period for replaced keys as given, or undefined (replaced keys are deleted at once). */
  readonly retireAfter: pulumi.Output<string | undefined>;
  /**
   * Keys this one replaced that still work (their grace is not over), as the last `pulumi up` found
   * them: their ids and when they stop working. A retirement shows here from the run after it.
   */
  readonly retiredKeys: pulumi.Output<RetiredKey[] | undefined>;
  /** The key's numeric id in CometAPI. */
  readonly keyId: pulumi.Output<number>;
  /** The key as callers use it (`sk-…`): a Pulumi secret. */
  readonly key: pulumi.Output<string>;
  /** The key masked as the console shows it, e.g. `sk-abcd**********wxyz`: safe to print. */
  readonly maskedKey: pulumi.Output<string>;
  /** `enabled`, `disabled`, or the server's facts `expired` / `exhausted`. */
  readonly status: pulumi.Output<KeyStatus>;
  /** Live remaining quota at the last create, update or refresh (may be negative on unlimited keys). */
  readonly remainingQuota: pulumi.Output<number>;
  /** Quota used so far. */
  readonly usedQuota: pulumi.Output<number>;
  /** When the key was created (ISO-8601 UTC). */
  readonly createdAt: pulumi.Output<string>;
  /** When the key was last charged (ISO-8601 UTC). */
  readonly accessedAt: pulumi.Output<string>;
}

/** Arguments of `getApiKey`. */
export interface GetApiKeyArgs {
  /** The key's numeric id, as the console shows it. */
  keyId: number;
}

/** Arguments of `getApiKeys`. */
export interface GetApiKeysArgs {
  /** Keys whose name is exactly this (give this or `namePrefix`). */
  name?: string;
  /** Keys whose name starts with this (give this or `name`). */
  namePrefix?: string;
}

/** Arguments of `getModels`. */
export interface GetModelsArgs {
  /**
   * Only the models of this group (a group the account may not use has none).
   * @default all usable groups
   * @example { group: "vip" }
   */
  group?: string;
}

/** A group the account may select for a key. */
export interface GroupSummary {
  /** The group's name, as `group` takes it. */
  name: string;
  /** The group's price multiplier; absent for `auto` (the service picks a group per request). */
  ratio?: number;
  /** The group's description, as the service writes it. */
  description: string;
}

/** A key as the lookups return it: never its value. */
export interface ApiKeySummary {
  /** The display name. */
  name: string;
  /** The expiry as ISO-8601 UTC; absent when the key never expires. */
  expiresAt?: string;
  /** Whether the key has no quota limit. */
  unlimitedQuota: boolean;
  /** Allowed models, sorted (empty: every model). */
  models: string[];
  /** Allowed addresses and CIDRs, sorted (empty: any). */
  allowIps: string[];
  /** The account group serving the key. */
  group: string;
  /** Whether a failed request is retried in another group. */
  crossGroupRetry: boolean;
  /** The groups `group: "auto"` tries, in order (empty: the service's order). */
  autoGroups: string[];
  /** The key's numeric id in CometAPI. */
  keyId: number;
  /** The key masked as the console shows it, e.g. `sk-abcd**********wxyz`: safe to print. */
  maskedKey: string;
  /** `enabled`, `disabled`, or the server's facts `expired` / `exhausted`. */
  status: KeyStatus;
  /** Live remaining quota. */
  remainingQuota: number;
  /** Quota used so far. */
  usedQuota: number;
  /** When the key was created (ISO-8601 UTC). */
  createdAt: string;
  /** When the key was last charged (ISO-8601 UTC). */
  accessedAt: string;
}

/** What `getApiKeys` returns. */
export interface GetApiKeysResult {
  /** The matching keys, newest first, values masked. */
  keys: ApiKeySummary[];
}

/** What `getModels` returns. */
export interface GetModelsResult {
  /** The usable model ids. */
  models: string[];
}

/** What `getGroups` returns. */
export interface GetGroupsResult {
  /** The groups the account may select, by name. */
  groups: GroupSummary[];
}

/** What `getAccount` returns: never the access token. */
export interface AccountSummary {
  /** The account's numeric user id. */
  userId: number;
  /** The account's own group (empty when the service does not say). */
  group: string;
  /** The quota balance left, in quota units (500000 = $1 by default). */
  quota: number;
  /** Quota used so far. */
  usedQuota: number;
  /** Model requests made so far. */
  requestCount: number;
}

/** The inputs, in order. */
export const COMET_API_KEY_INPUTS = [
  "name",
  "expiresAt",
  "quota",
  "unlimitedQuota",
  "models",
  "allowIps",
  "group",
  "crossGroupRetry",
  "autoGroups",
  "enabled",
  "adoptKeyId",
  "rotateAfter",
  "rotateBefore",
  "retireAfter",
] as const;

/** The outputs that are not inputs. */
export const COMET_API_KEY_COMPUTED = [
  "retiredKeys",
  "keyId",
  "key",
  "maskedKey",
  "status",
  "remainingQuota",
  "usedQuota",
  "createdAt",
  "accessedAt",
] as const;
