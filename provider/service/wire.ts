/**
 * The wire format of CometAPI's key endpoints (snake_case), validated with zod. Nothing outside
 * `service/client.ts` sees these shapes: the client maps them to the camelCase `ApiKeyRecord`.
 *
 * Schemas are tolerant where the contract says servers differ: unknown fields are ignored,
 * `remain_quota` may be negative, and the plain fields' wire forms (`model/fields.ts`) say what each
 * accepts (older builds lack some; `null` and `""` may both mean none).
 */
import { z } from "zod";
import { KEY_FIELDS_WIRE_SHAPE } from "../model/fieldRules.js";

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
  used_quota: z.number().int(),
  ...KEY_FIELDS_WIRE_SHAPE,
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

/** The fields create sends and a full update replaces: these four and the plain fields' wire fields. */
export interface WireKeyFields extends Record<string, unknown> {
  name: string;
  expired_time: number;
  remain_quota: number;
  unlimited_quota: boolean;
}

/** A full update: the fields, the id, and the status the key must keep. */
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
