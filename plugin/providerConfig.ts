/**
 * The provider configuration of the native plugin (`cometapi:accessToken`, `cometapi:baseUrl`,
 * `cometapi:userId`, `cometapi:checkAccount`, or the inputs of an explicit `pulumi:providers:cometapi`): validated in
 * CheckConfig with the core's own rules, handed to the core in Configure. Unset values fall back
 * to the environment there, as for the dynamic provider.
 */

import { ConfigurationError } from "../provider/errors/index.js";
import { PROVIDER_CONFIG } from "../provider/model/description.js";
import { normaliseBaseUrl, resolveConnection } from "../provider/service/connection.js";
import type { PropertyMap } from "./propertyValues.js";

export type ConfigName = (typeof PROVIDER_CONFIG)[number]["name"];
export type ConfigValues = Partial<Record<ConfigName, string>>;

const NAMES = PROVIDER_CONFIG.map((c) => c.name);
/** Keys the engine itself adds to a provider's inputs. */
const ENGINE_KEYS = new Set(["version", "pluginDownloadURL"]);

/** The configuration from Configure's `args` (plain values) or, failing that, its `variables`. */
export function configFrom(args: PropertyMap, variables: Map<string, string>): ConfigValues {
  const out: ConfigValues = {};
  for (const name of NAMES) {
    const arg = args[name];
    const variable = variables.get(`cometapi:config:${name}`) ?? variables.get(`cometapi:${name}`);
    const value =
      typeof arg === "string"
        ? arg
        : typeof arg === "number" || typeof arg === "boolean"
          ? String(arg)
          : variable;
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** CheckConfig's failures: unknown keys, wrong types, a token a header cannot carry, a bad base URL or user id. */
export function configFailures(news: PropertyMap): { property: string; reason: string }[] {
  const failures: { property: string; reason: string }[] = [];
  for (const [key, value] of Object.entries(news)) {
    if (ENGINE_KEYS.has(key) || value === undefined || value === null) continue;
    if (!(NAMES as string[]).includes(key)) {
      failures.push({
        property: key,
        reason: `is not a cometapi provider setting; expected one of: ${NAMES.join(", ")}`,
      });
    } else if (key === "checkAccount") {
      if (
        typeof value !== "boolean" &&
        !(typeof value === "string" && /^\s*(true|false)?\s*$/i.test(value))
      ) {
        failures.push({ property: key, reason: `must be true or false, got ${JSON.stringify(value)}` });
      }
    } else if (typeof value !== "string" && !(key === "userId" && typeof value === "number")) {
      failures.push({ property: key, reason: `must be a string, got ${typeof value}` });
    }
  }
  const accessToken = news.accessToken;
  if (typeof accessToken === "string" && accessToken.trim() !== "") {
    const reason = configurationProblem(() => resolveConnection({ accessToken }, {}));
    if (reason) failures.push({ property: "accessToken", reason });
  }
  const baseUrl = news.baseUrl;
  if (typeof baseUrl === "string" && baseUrl.trim() !== "") {
    const reason = configurationProblem(() => normaliseBaseUrl(baseUrl.trim()));
    if (reason) failures.push({ property: "baseUrl", reason });
  }
  const userId = news.userId;
  if ((typeof userId === "string" && userId.trim() !== "") || typeof userId === "number") {
    const reason = configurationProblem(() =>
      resolveConnection({ accessToken: "checked-separately", userId: String(userId) }, {}),
    );
    if (reason) failures.push({ property: "userId", reason });
  }
  return failures;
}

function configurationProblem(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (error instanceof ConfigurationError) return error.message;
    throw error;
  }
}

/** The properties whose values differ between two configurations (for DiffConfig). */
export function changedConfig(olds: PropertyMap, news: PropertyMap): ConfigName[] {
  return NAMES.filter((name) => (olds[name] ?? "") !== (news[name] ?? ""));
}
