/**
 * The resource's inputs as the lifecycle holds them: the checked inputs typed from the description
 * (`model/properties.ts`), with the provider's bookkeeping, and `check`, which runs every input's
 * rule before any request is made.
 *
 * Every rule failure names the property and says how to fix it; all failures are reported at
 * once. Values that are still unknown during a preview (the engine's unknown sentinel) are passed
 * through unvalidated, never rejected.
 */
import { type AutoNaming, type CheckContext, isGiven } from "../model/inputRules.js";
import type { KeyInputValues } from "../model/properties.js";
import { checkKeyInputs, INPUT_NAMES } from "../model/propertyRules.js";

export { type AutoNaming, isUnknown, UNKNOWN } from "../model/inputRules.js";
export { autoName, MAX_NAME_BYTES, nameProblem } from "../model/naming.js";
export { MAX_QUOTA } from "../model/properties.js";

/** Inputs as `check` stores them: validated and normalised, as the description types them. */
export type CometApiKeyInputs = KeyInputValues & {
  /** The logical name of the resource, passed by the SDK for auto-naming. */
  __logicalName?: string;
  /**
   * The generated name, when `name` was not given: later checks keep it, and a refresh that
   * finds the name changed in the console cannot make the drifted name the declared one.
   */
  __autoName?: string;
  /** The generated name came from the stack's `autonaming` pattern (see `AutoNaming.fromPattern`). */
  __namedByPattern?: boolean;
};

export interface CheckFailure {
  property: string;
  reason: string;
}

const INTERNAL_PROPERTIES = new Set(["__provider", "__logicalName", "__autoName", "__autoNameSeed"]);

/**
 * Validates and normalises new inputs. `olds` are the previously stored inputs (empty on create);
 * `now` is the current unix time in seconds.
 */
export function checkInputs(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  now: number,
  naming: AutoNaming = {},
): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  for (const key of Object.keys(news)) {
    if (news[key] === undefined || INTERNAL_PROPERTIES.has(key)) continue;
    if (!(INPUT_NAMES as readonly string[]).includes(key)) {
      fail(key, `is not a property of CometApiKey; expected one of: ${INPUT_NAMES.join(", ")}`);
    }
  }
  const checked: Record<string, unknown> = {};
  if (typeof news.__logicalName === "string") checked.__logicalName = news.__logicalName;
  const ctx: CheckContext = { fail, checked, news, olds, now, isCreate: !isGiven(olds.name), naming };
  checkKeyInputs(ctx);
  return { inputs: checked, failures };
}
