/**
 * The wire format of CometAPI's key endpoints (snake_case), validated with zod. Nothing outside
 * `service/client.ts` sees these shapes: the client maps them to the camelCase `ApiKeyRecord`.
 *
 * Schemas are tolerant where the contract says servers differ: unknown fields are ignored,
 * `allow_ips` may be `null` or `""`, `remain_quota` may be negative, and fields that older builds
 * lack (`cross_group_retry`, `model_limits_enabled`, `group`) default to "off".
 */
import { z } from "zod";

/** One key record as list, get, search and update return it. */
export const wireKeyRecordSchema = z.object({
  id: z.number().int().positive(),
  /** The owner; every new-api build sends it (a root token lists other users' keys too). */
  user_id: z.number().int().nullish(),
  key: z.string(),
  status: z.number().int(),
  name: z.string(),
  created_time: z.number().int(),
  accessed_time: z.number().int(),
  expired_time: z.number().int(),
  remain_quota: z.number().int(),
  unlimited_quota: z.boolean(),
  model_limits_enabled: z.boolean().nullish(),
  model_limits: z.string().nullish(),
  allow_ips: z.string().nullish(),
  used_quota: z.number().int(),
  group: z.string().nullish(),
  cross_group_retry: z.boolean().nullish(),
});
export type WireKeyRecord = z.infer<typeof wireKeyRecordSchema>;

/** The `data` of list and search: one page, newest first. */
export const wireKeyPageSchema = z.object({
  page: z.number().int(),
  page_size: z.number().int(),
  total: z.number().int(),
  items: z.array(wireKeyRecordSchema).nullish(),
});
export type WireKeyPage = z.infer<typeof wireKeyPageSchema>;

/** The `data` of `POST /api/token/{id}/key`. */
export const wireRevealedKeySchema = z.object({ key: z.string().min(1) });

/** The `data` of `POST /api/token/batch/keys`: key values by id (as strings). */
export const wireRevealedKeysSchema = z.object({ keys: z.record(z.string(), z.string()) });

/** The nine fields create sends and a full update replaces. */
export interface WireKeyFields {
  name: string;
  expired_time: number;
  remain_quota: number;
  unlimited_quota: boolean;
  model_limits_enabled: boolean;
  model_limits: string;
  allow_ips: string;
  group: string;
  cross_group_retry: boolean;
}

/** A full update: the nine fields, the id, and the status the key must keep. */
export interface WireKeyUpdate extends WireKeyFields {
  id: number;
  status: number;
}

/** The `data` of `GET /api/user/self`: the user the access token belongs to. */
export const wireSelfSchema = z.object({
  id: z.number().int().positive(),
  role: z.number().int().nullish(),
  group: z.string().nullish(),
  quota: z.number().nullish(),
  used_quota: z.number().nullish(),
  request_count: z.number().nullish(),
});

/** The `data` of `GET /api/user/models[?group=]`: model ids (`null` from older builds when none). */
export const wireUserModelsSchema = z.array(z.string()).nullable();

/**
 * The `data` of `GET /api/user/self/groups`: the selectable groups by name. `ratio` is a number,
 * or a text for `auto` (the service picks the group); newer builds add billing fields.
 */
export const wireUserGroupsSchema = z.record(
  z.string(),
  z.object({ ratio: z.union([z.number(), z.string()]).nullish(), desc: z.string().nullish() }),
);
