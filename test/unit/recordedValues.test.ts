/**
 * The engine's loose records parsed at the lifecycle's edge (`provider/key/recordedValues.ts`):
 * inputs held to the description's types (a wrong one fails naming the property), outputs of the
 * wrong type left out.
 */
import { describe, expect, it } from "vitest";
import { CometApiProviderError } from "../../provider/errors";
import { checkedInputs, recordedOutputs } from "../../provider/key/recordedValues";

const CHECKED = {
  name: "backend-1a2b3c4",
  quota: 1_000,
  unlimitedQuota: false,
  enabled: true,
  models: ["gpt-4o"],
  allowIps: [],
  group: "",
  crossGroupRetry: false,
  autoGroups: [],
  __autoNameSeed: "p/s/backend",
};

describe("checkedInputs", () => {
  it("passes check's output through, typed", () => {
    expect(checkedInputs({ ...CHECKED }, "create key").models).toEqual(["gpt-4o"]);
  });

  it.each([
    ["quota", "1000", /the input quota must be integer, got the string "1000"/],
    ["models", "gpt-4o", /the input models must be string\[\], got the string "gpt-4o"/],
    ["enabled", 1, /the input enabled must be boolean, got the number 1/],
  ])("fails naming %s when its type is not the described one", (name, value, message) => {
    const call = () => checkedInputs({ ...CHECKED, [name]: value }, "create key");
    expect(call).toThrow(CometApiProviderError);
    expect(call).toThrow(message);
  });

  it("fails when a property check always sets is missing", () => {
    const { name: _dropped, ...rest } = CHECKED;
    expect(() => checkedInputs(rest, "update key 3")).toThrow(/update key 3: the input name is missing/);
  });
});

describe("recordedOutputs", () => {
  it("keeps the recorded values of the described types and leaves out the others", () => {
    const outputs = recordedOutputs({
      keyId: 7,
      userId: "7",
      status: "enabled",
      remainingQuota: 5,
      other: 1,
    });
    expect(outputs).toEqual({ keyId: 7, status: "enabled", remainingQuota: 5, other: 1 });
  });
});
