/**
 * Check knows the account: `models` and `group` are checked against what the account may use
 * (`AccountCatalog`), so a typo fails the preview naming the closest ids instead of making a key
 * that fails at use. Values unknown at preview (outputs of other resources) are left for the
 * check at `up`. When the lists cannot be had, nothing fails here (the catalog warned once).
 * Plain fields with an account check of their own (`accountCheck` in `model/fields.ts`) follow.
 */

import type { AccountCatalog } from "../account/catalog.js";
import { ConfigurationError } from "../errors/index.js";
import { keyFieldAccountFailures } from "../model/fieldRules.js";
import { didYouMean } from "../shared/suggest.js";
import { isUnknown } from "./inputs.js";

/** One failure as check reports it. */
export interface AccountFailure {
  property: string;
  reason: string;
}

/**
 * Whether check asks the account (`cometapi:checkAccount`, else `COMETAPI_CHECK_ACCOUNT`).
 * @default true
 * @example checkAccountEnabled("false") // false: a model about to be enabled may be used already
 */
export function checkAccountEnabled(
  configured: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const text = (configured ?? env.COMETAPI_CHECK_ACCOUNT ?? "").trim().toLowerCase();
  if (text === "") return true;
  if (text === "true") return true;
  if (text === "false") return false;
  throw new ConfigurationError(
    `cometapi:checkAccount (COMETAPI_CHECK_ACCOUNT) must be true or false, got "${configured ?? env.COMETAPI_CHECK_ACCOUNT}".`,
  );
}

/**
 * The failures of checked `inputs` against the account. `skip`: properties that already failed
 * the local checks (not reported twice).
 */
export async function accountFailures(
  inputs: Readonly<Record<string, unknown>>,
  catalog: AccountCatalog,
  skip: ReadonlySet<string>,
): Promise<AccountFailure[]> {
  const failures: AccountFailure[] = [];
  const group = inputs.group;
  let groupKnownGood = typeof group === "string" && !isUnknown(group) && !skip.has("group");
  if (groupKnownGood && group !== "") {
    const groups = await catalog.usableGroups();
    const names = groups?.map((g) => g.name);
    // Without the groups list the group cannot be vouched for, nor its models judged.
    if (!names) groupKnownGood = false;
    else if (!names.includes(group as string)) {
      groupKnownGood = false;
      failures.push({
        property: "group",
        reason:
          `"${group}" is not a group this account may use${didYouMean(group as string, names)} ` +
          `(usable groups: ${names.length > 0 ? names.join(", ") : "none"})`,
      });
    }
  }
  const models = inputs.models;
  if (groupKnownGood && Array.isArray(models) && models.length > 0 && !skip.has("models")) {
    // `auto` may route to any usable group: its models are those of all of them.
    const scope = group === "auto" ? "" : (group as string);
    const usable = await catalog.usableModels(scope);
    if (usable) {
      const where = scope === "" ? "in any of its groups" : `in group "${scope}"`;
      models.forEach((model, index) => {
        if (typeof model !== "string" || isUnknown(model) || usable.includes(model)) return;
        failures.push({
          property: "models",
          reason: `models[${index}] "${model}" is not a model this account may use ${where}${didYouMean(model, usable)}`,
        });
      });
    }
  }
  failures.push(...(await keyFieldAccountFailures(inputs, catalog, skip)));
  return failures;
}
