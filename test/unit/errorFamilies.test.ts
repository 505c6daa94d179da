/**
 * Errors come in two families a user can `instanceof`: every exported error class is either a
 * `CometApiRequestError` (the service or the network) or a `CometApiProviderError` (the
 * provider's own rules), never both, and both are `CometApiError`s.
 */
import { describe, expect, it } from "vitest";
import * as errors from "../../provider/errors";

const FAMILIES = [errors.CometApiRequestError, errors.CometApiProviderError] as const;
const classes = Object.entries(errors).filter(
  ([name, value]) =>
    typeof value === "function" && value.prototype instanceof Error && !["CometApiError"].includes(name),
) as [string, abstract new (...args: never[]) => Error][];

describe("error families", () => {
  it("exports the two family bases and their members", () => {
    expect(classes.length).toBeGreaterThan(10);
  });

  it.each(classes.filter(([, c]) => !(FAMILIES as readonly unknown[]).includes(c)))(
    "%s belongs to exactly one family, under CometApiError",
    (_name, errorClass) => {
      const inFamilies = FAMILIES.filter((family) => errorClass.prototype instanceof family);
      expect(inFamilies).toHaveLength(1);
      expect(errorClass.prototype instanceof errors.CometApiError).toBe(true);
    },
  );

  it("sorts the classes users meet most into the family they expect", () => {
    expect(new errors.RateLimitedError("list keys", 429, "")).toBeInstanceOf(errors.CometApiRequestError);
    expect(new errors.KeyNotFoundError("read key 1", "record not found")).toBeInstanceOf(
      errors.CometApiRequestError,
    );
    expect(new errors.WrongAccountError("key 1 belongs to user 2")).toBeInstanceOf(
      errors.CometApiProviderError,
    );
    expect(new errors.AmbiguousKeyError("k", [1, 2])).toBeInstanceOf(errors.CometApiProviderError);
  });
});
