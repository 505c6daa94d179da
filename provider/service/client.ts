/**
 * `CometApiClient`: CometAPI's key endpoints (`/api/token/…`) as typed calls. It maps the wire
 * format (snake_case, see `service/wire.ts`) to `ApiKeyRecord` (camelCase) and back, and nothing else:
 * lifecycle rules live in `key/steps/` (assembled in `key/lifecycle.ts`).
 *
 * @example
 * const client = new CometApiClient({ baseUrl: "https://api.cometapi.com", accessToken, userId: 42 });
 * const { items } = await client.listKeys({ page: 1, pageSize: 100 });
 */
import { z } from "zod";
import { KeyNotFoundError, RecordNotFoundError } from "../errors/index.js";
import { keyFieldsFromWire, keyFieldsToWire } from "../model/fieldRules.js";
import type { KeyFieldName, KeyFieldValues } from "../model/fields.js";
import { type ApiRequest, type HttpOptions, type HttpTarget, HttpTransport } from "../transport/http.js";
import {
  type WireKeyFields,
  type WireKeyRecord,
  type WireKeyUpdate,
  wireKeyPageSchema,
  wireKeyRecordSchema,
  wireRevealedKeySchema,
  wireRevealedKeysSchema,
  wireSelfSchema,
  wireUserGroupsSchema,
  wireUserModelsSchema,
} from "./wire.js";

/** Wire status codes of a key. */
export const WireKeyStatus = { enabled: 1, disabled: 2, expired: 3, exhausted: 4 } as const;

/** The fields a create sends and a full update replaces, in our naming: these and the plain fields (`model/fields.ts`). */
export interface ApiKeyFields extends KeyFieldValues {
  name: string;
  /** Unix seconds; `-1` = never expires. */
  expiresAt: number;
  remainingQuota: number;
  unlimitedQuota: boolean;
}

/** A key as the service reports it. */
export interface ApiKeyRecord extends ApiKeyFields {
  id: number;
  /** The owner's user id (`user_id`); undefined when the server does not say. */
  userId?: number;
  /** The key without `sk-`; masked (`abcd**********wxyz`) on servers that mask. */
  key: string;
  /** Wire status: 1 enabled, 2 disabled, 3 expired, 4 exhausted (see `WireKeyStatus`). */
  status: number;
  usedQuota: number;
  /** The plain fields this server build does not know (its records lack them). @default none */
  unknownFields?: readonly KeyFieldName[];
  createdAt: number;
  accessedAt: number;
}

/** The user an access token belongs to, as `GET /api/user/self` says. */
export interface Caller {
  id: number;
  /** new-api's role number: 1 common user, 10 admin, 100 root. */
  role?: number;
  /** The account's own group (`group`); undefined when the server does not say. */
  group?: string;
  /** The quota balance left (`quota`). */
  quota?: number;
  /** Quota used so far (`used_quota`). */
  usedQuota?: number;
  /** Model requests made (`request_count`). */
  requestCount?: number;
}

/** A group the caller may select, as `GET /api/user/self/groups` says. */
export interface UsableGroup {
  name: string;
  /** The price multiplier; undefined for `auto` (the service picks the group) or when not said. */
  ratio?: number;
  description: string;
}

export interface ApiKeyPage {
  page: number;
  pageSize: number;
  total: number;
  /** Newest first. */
  items: ApiKeyRecord[];
}

export interface CometApiClientOptions extends HttpTarget, HttpOptions {}

/** The largest page the service serves. */
export const MAX_PAGE_SIZE = 100;

const nothing = z.unknown();

export class CometApiClient {
  private readonly http: HttpTransport;

  constructor(options: CometApiClientOptions) {
    const { baseUrl, accessToken, userId, ...http } = options;
    this.http = new HttpTransport({ baseUrl, accessToken, userId }, http);
  }

  /** Request counters (for the benchmark and tests). */
  get stats() {
    return this.http.stats;
  }

  /** The server's clock in unix seconds (from its `Date` headers; the local clock until one arrived). */
  serverNow(): number {
    return this.http.serverNow();
  }

  /**
   * One page of the caller's keys, newest first. `page` is 1-based; `onSend` runs right before
   * each attempt is sent (see `ApiRequest.onSend`). Listings are urgent: they finish what creates
   * and reads started.
   */
  async listKeys(
    options: { page?: number; pageSize?: number; onSend?: () => void } = {},
  ): Promise<ApiKeyPage> {
    const page = options.page ?? 1;
    const pageSize = Math.min(options.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
    const data = await this.http.call(
      {
        operation: "list keys",
        method: "GET",
        path: `/api/token/?p=${page}&page_size=${pageSize}`,
        retry: "idempotent",
        onSend: options.onSend,
        urgent: true,
      },
      wireKeyPageSchema,
    );
    return {
      page: data.page,
      pageSize: data.page_size,
      total: data.total,
      items: (data.items ?? []).map(fromWire),
    };
  }

  /** The user the access token belongs to (`GET /api/user/self`): id, and role (100 = root). */
  async currentUser(): Promise<Caller> {
    const data = await this.http.call(
      { operation: "read the current user", method: "GET", path: "/api/user/self", retry: "idempotent" },
      wireSelfSchema,
    );
    return {
      id: data.id,
      ...(typeof data.role === "number" ? { role: data.role } : {}),
      ...(typeof data.group === "string" ? { group: data.group } : {}),
      ...(typeof data.quota === "number" ? { quota: data.quota } : {}),
      ...(typeof data.used_quota === "number" ? { usedQuota: data.used_quota } : {}),
      ...(typeof data.request_count === "number" ? { requestCount: data.request_count } : {}),
    };
  }

  /**
   * The model ids the caller may use (`GET /api/user/models`): in all their usable groups, or in
   * `group` only (a group they may not use has none). `retryBudgetMs`: a shorter retry budget.
   */
  async usableModels(group?: string, options: Pick<ApiRequest, "retryBudgetMs"> = {}): Promise<string[]> {
    const query = group === undefined ? "" : `?group=${encodeURIComponent(group)}`;
    const data = await this.http.call(
      {
        operation: group === undefined ? "list usable models" : `list the models of group "${group}"`,
        method: "GET",
        path: `/api/user/models${query}`,
        retry: "idempotent",
        ...options,
      },
      wireUserModelsSchema,
    );
    return data ?? [];
  }

  /** The groups the caller may select (`GET /api/user/self/groups`), by name; `retryBudgetMs` as above. */
  async usableGroups(options: Pick<ApiRequest, "retryBudgetMs"> = {}): Promise<UsableGroup[]> {
    const data = await this.http.call(
      {
        operation: "list usable groups",
        method: "GET",
        path: "/api/user/self/groups",
        retry: "idempotent",
        ...options,
      },
      wireUserGroupsSchema,
    );
    return Object.entries(data).map(([name, g]) => ({
      name,
      ...(typeof g.ratio === "number" ? { ratio: g.ratio } : {}),
      description: g.desc ?? "",
    }));
  }

  /** One key; throws `KeyNotFoundError` when it is missing, deleted or someone else's. */
  async getKey(id: number): Promise<ApiKeyRecord> {
    const data = await this.callOnKey(
      { operation: `read key ${id}`, method: "GET", path: `/api/token/${id}`, retry: "idempotent" },
      wireKeyRecordSchema,
    );
    return fromWire(data);
  }

  /**
   * Creates a key. The service answers only `{success, message}`: no id, no key. Use
   * `CreatedKeyResolver` (or list) to find it. Never retried once sent: an unclear outcome throws
   * `OutcomeUnknownError`. `progress` hears when the request goes on the wire and when the rate
   * limit holds it back (see `ApiRequest`).
   */
  async createKey(
    fields: ApiKeyFields,
    progress: Pick<ApiRequest, "onSend" | "onHeldBack"> = {},
  ): Promise<void> {
    await this.http.call(
      {
        operation: `create key "${fields.name}"`,
        method: "POST",
        path: "/api/token/",
        body: toWire(fields),
        retry: "not-if-sent",
        ...progress,
      },
      nothing,
    );
  }

  /**
   * Full replacement of the nine fields. `keepStatus` is sent as `status` so that servers whose
   * full update also applies `status` keep it. Never retried once sent.
   */
  async updateKey(id: number, fields: ApiKeyFields, keepStatus: number): Promise<ApiKeyRecord> {
    const body: WireKeyUpdate = { ...toWire(fields), id, status: keepStatus };
    const data = await this.callOnKey(
      { operation: `update key ${id}`, method: "PUT", path: "/api/token/", body, retry: "not-if-sent" },
      wireKeyRecordSchema,
    );
    return fromWire(data);
  }

  /** Changes only the status (`?status_only=true`); safe to retry. */
  async setKeyStatus(id: number, status: number): Promise<ApiKeyRecord | undefined> {
    const data = await this.callOnKey(
      {
        operation: `set status of key ${id} to ${status}`,
        method: "PUT",
        path: "/api/token/?status_only=true",
        body: { id, status },
        retry: "idempotent",
      },
      wireKeyRecordSchema.optional(),
    );
    return data === undefined ? undefined : fromWire(data);
  }

  /** Soft-deletes a key; throws `KeyNotFoundError` when it is already gone. */
  async deleteKey(id: number): Promise<void> {
    await this.callOnKey(
      { operation: `delete key ${id}`, method: "DELETE", path: `/api/token/${id}`, retry: "idempotent" },
      nothing,
    );
  }

  /** The full key value (without `sk-`). Strictly rate-limited by the service: call once per key. */
  async revealKey(id: number): Promise<string> {
    const data = await this.callOnKey(
      {
        operation: `reveal key ${id}`,
        method: "POST",
        path: `/api/token/${id}/key`,
        retry: "idempotent",
        limit: "reveal",
        urgent: true,
      },
      wireRevealedKeySchema,
    );
    return data.key;
  }

  /** Full key values of up to 100 keys in one request, by id. */
  async revealKeys(ids: readonly number[]): Promise<Map<number, string>> {
    const data = await this.callOnKey(
      {
        operation: `reveal ${ids.length} keys`,
        method: "POST",
        path: "/api/token/batch/keys",
        body: { ids },
        retry: "idempotent",
        limit: "reveal",
        urgent: true,
      },
      wireRevealedKeysSchema,
    );
    return new Map(Object.entries(data.keys).map(([id, key]) => [Number(id), key]));
  }

  /** A request on one or more keys' routes: there, the transport's "record not found" means the key. */
  private async callOnKey<T>(req: ApiRequest, dataSchema: z.ZodType<T>): Promise<T> {
    try {
      return await this.http.call(req, dataSchema);
    } catch (error) {
      if (error instanceof RecordNotFoundError && !(error instanceof KeyNotFoundError)) {
        throw new KeyNotFoundError(error.operation, error.serverMessage);
      }
      throw error;
    }
  }

  /** Stops sending: see `HttpTransport.cancel` (the engine cancelled the run). */
  cancel(): void {
    this.http.cancel();
  }

  /** Sends nothing once `alive` says the engine is gone: see `HttpTransport.whileEngineAlive`. */
  whileEngineAlive(alive: () => Promise<boolean>): void {
    this.http.whileEngineAlive(alive);
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

export function fromWire(w: WireKeyRecord): ApiKeyRecord {
  const { values, unknownFields } = keyFieldsFromWire(w);
  return {
    id: w.id,
    ...(typeof w.user_id === "number" ? { userId: w.user_id } : {}),
    key: w.key,
    status: w.status,
    name: w.name,
    createdAt: w.created_time,
    accessedAt: w.accessed_time,
    expiresAt: w.expired_time,
    remainingQuota: w.remain_quota,
    unlimitedQuota: w.unlimited_quota,
    usedQuota: w.used_quota,
    ...values,
    ...(unknownFields.length > 0 ? { unknownFields } : {}),
  };
}

export function toWire(f: ApiKeyFields): WireKeyFields {
  return {
    name: f.name,
    expired_time: f.expiresAt,
    remain_quota: f.remainingQuota,
    unlimited_quota: f.unlimitedQuota,
    ...keyFieldsToWire(f),
  };
}
