/**
 * The plugin's wire values: secrets unwrapped for the core and re-wrapped on the way out, the
 * provider configuration taken from Configure's args (secret-wrapped) or variables, and
 * CheckConfig's failures naming the setting.
 */
import { describe, expect, it } from "vitest";
import {
  fromStruct,
  SECRET_SIG,
  SPECIAL_SIG_KEY,
  toStruct,
  unwrapSecrets,
  withSecrets,
} from "../../plugin/propertyValues";
import { changedConfig, configFailures, configFrom } from "../../plugin/providerConfig";

const secret = (value: unknown) => ({ [SPECIAL_SIG_KEY]: SECRET_SIG, value });

describe("plugin property values", () => {
  it("unwraps secrets anywhere and remembers which top-level properties held one", () => {
    const { plain, secretNames } = unwrapSecrets({ name: secret("n"), models: ["a", secret("b")], quota: 1 });
    expect(plain).toEqual({ name: "n", models: ["a", "b"], quota: 1 });
    expect([...secretNames].sort()).toEqual(["models", "name"]);
    expect(withSecrets(plain, ["name", "absent"])).toEqual({
      name: secret("n"),
      models: ["a", "b"],
      quota: 1,
    });
  });

  it("round-trips through a Struct, dropping undefined values", () => {
    expect(fromStruct(toStruct({ a: 1, b: undefined, c: [true, "x"], d: secret("s") }))).toEqual({
      a: 1,
      c: [true, "x"],
      d: secret("s"),
    });
  });
});

describe("plugin provider configuration", () => {
  it("takes args first (secrets unwrapped by the caller), then the cometapi:config:* variables", () => {
    const variables = new Map([
      ["cometapi:config:baseUrl", "https://a.example"],
      ["cometapi:config:userId", "7"],
    ]);
    expect(configFrom({ accessToken: "tok", baseUrl: "https://b.example" }, variables)).toEqual({
      accessToken: "tok",
      baseUrl: "https://b.example",
      userId: "7",
    });
  });

  it("names the setting and the rule in CheckConfig, and lets the engine's own keys through", () => {
    expect(
      configFailures({ version: "0.1.0", accessToken: "x", baseUrl: "https://api.cometapi.com" }),
    ).toEqual([]);
    const failures = configFailures({ baseUrl: "ftp://x", userId: "-1", accessToken: 5, token: "x" });
    expect(failures.map((f) => f.property).sort()).toEqual(["accessToken", "baseUrl", "token", "userId"]);
    expect(failures.find((f) => f.property === "userId")?.reason).toMatch(/numeric CometAPI user id/);
  });

  it("reports which settings changed", () => {
    expect(changedConfig({ accessToken: "a", userId: "1" }, { accessToken: "b", userId: "1" })).toEqual([
      "accessToken",
    ]);
  });
});
