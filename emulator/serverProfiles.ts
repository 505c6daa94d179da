/**
 * Server profiles: each a bundle of behaviours modelled on one real new-api build, selected by the
 * `serverProfile` switch. What differs between them (everything else is the same on both):
 *
 * | behaviour | `new-api-2026-03` | `upstream-2026-08` (default) |
 * |---|---|---|
 * | `New-Api-User` | checked when `requireUserHeader` | never checked |
 * | bad or missing token | 401 / 200 `success:false` | 401 `{code: "AUTH_UNAUTHORIZED", …}` |
 * | limited quota cap | 1e9 × `quotaPerUnit` | 2147483647 |
 * | 429 | no `Retry-After` | `Retry-After`: the limit's full window |
 * | `cross_group_retry` | as sent | false unless `group` is `auto` |
 * | records | `billing_type` | `auto_groups` (stored, validated for group `auto`); `GET /api/token/auto-groups` |
 * | type errors | `Token.remain_quota` | `tokenRequest.Token.remain_quota` |
 * | `GET /api/user/models`, no models | `null` | `[]`; `?group=auto`: the auto groups' models |
 */

export const SERVER_PROFILE_NAMES = ["upstream-2026-08", "new-api-2026-03"] as const;
export type ServerProfileName = (typeof SERVER_PROFILE_NAMES)[number];

export interface ServerProfile {
  /** Whether `New-Api-User` is checked at all (then only when the `requireUserHeader` switch is on). */
  checksUserHeader: boolean;
  /** HTTP 401 body for a missing or unknown access token; undefined = the older answers. */
  unauthorizedBody?: Record<string, unknown>;
  /** The largest `remain_quota` of a limited key, given the `quotaPerUnit` switch. */
  quotaCap(quotaPerUnit: number): number;
  /** Whether 429s carry `Retry-After` (the full window of the limit that refused). */
  retryAfter: boolean;
  /** `cross_group_retry` as stored for a create or full update with `group`. */
  crossGroupRetry(sent: boolean, group: string): boolean;
  /** Extra fields of every record. */
  recordExtras: Record<string, unknown>;
  /**
   * Whether keys carry `auto_groups` (upstream PR #6590): stored on create and full update for
   * group `auto` (validated: no repeats, at most the selectable groups' count, only selectable
   * groups), cleared for any other group, `null` when empty; and `GET /api/token/auto-groups` is
   * served. Without it the field is ignored in requests and absent from records.
   */
  autoGroupsRoute: boolean;
  /** How Go's decoder names the create/update body: the value type and the field prefix. */
  tokenBodyType: { value: string; field: string };
  /** `GET /api/user/models` answers `null` (Go's nil slice) rather than `[]` when no group has a model. */
  emptyModelsAsNull: boolean;
}

/** The largest value of Go's 32-bit signed int, the upstream quota cap. */
export const INT32_MAX = 2_147_483_647;

export const SERVER_PROFILES: Record<ServerProfileName, ServerProfile> = {
  "upstream-2026-08": {
    checksUserHeader: false,
    unauthorizedBody: {
      code: "AUTH_UNAUTHORIZED",
      message: "Unauthorized, invalid access token",
      success: false,
    },
    quotaCap: () => INT32_MAX,
    retryAfter: true,
    crossGroupRetry: (sent, group) => group === "auto" && sent,
    recordExtras: {},
    autoGroupsRoute: true,
    tokenBodyType: { value: "controller.tokenRequest", field: "tokenRequest.Token" },
    emptyModelsAsNull: false,
  },
  "new-api-2026-03": {
    checksUserHeader: true,
    quotaCap: (quotaPerUnit) => Math.round(1e9 * quotaPerUnit),
    retryAfter: false,
    crossGroupRetry: (sent) => sent,
    recordExtras: { billing_type: 0 },
    autoGroupsRoute: false,
    tokenBodyType: { value: "model.Token", field: "Token" },
    emptyModelsAsNull: true,
  },
};
