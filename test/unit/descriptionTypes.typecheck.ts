/**
 * The lifecycle's types come from the description (issue 22): `npm run check` (tsc) fails when
 * `CometApiKeyInputs`, `CometApiKeyOutputs` or the lookups' `ApiKeySummary` stop following
 * `KEY_INPUTS` and `KEY_OUTPUTS` (required where a property always has a value, optional where not,
 * typed by its `type`; in the summary where it has a `summary`).
 * Compiled, not run: each `@ts-expect-error` must meet an error.
 */
import type { CometApiKeyInputs } from "../../provider/key/inputs";
import type { ApiKeySummary } from "../../provider/key/lookups";
import type { CometApiKeyOutputs } from "../../provider/key/recordMapping";

const plain = { models: [], allowIps: [], group: "", crossGroupRetry: false, autoGroups: [] };

export const checked: CometApiKeyInputs = { name: "n", unlimitedQuota: true, enabled: true, ...plain };
// @ts-expect-error `name` always has a value (given or generated)
export const unnamed: CometApiKeyInputs = { unlimitedQuota: true, enabled: true, ...plain };
// @ts-expect-error `quota` is an integer
export const quota: CometApiKeyInputs["quota"] = "5";
export const neverExpires: CometApiKeyInputs["expiresAt"] = undefined;

export const unrevealed: CometApiKeyOutputs["key"] = undefined;
// @ts-expect-error `keyId` is always in the outputs
export const noId: CometApiKeyOutputs["keyId"] = undefined;
export const retired: CometApiKeyOutputs["retiredKeys"] = [{ keyId: 1, retiresAt: "2027-01-01T00:00:00Z" }];
// @ts-expect-error `status` is a KeyStatus
export const status: CometApiKeyOutputs["status"] = "paused";

export const summaryExpiry: ApiKeySummary["expiresAt"] = undefined;
// @ts-expect-error `quota` has no `summary`: the lookups do not return it
export const summaryQuota: ApiKeySummary["quota"] = 1;
