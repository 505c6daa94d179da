/**
 * The matching and the suggestions behind "check knows the account": edit distance, the closest
 * ids, the failures `accountFailures` reports for `models` and `group` (all at once, unknown values
 * left for `up`), and the `checkAccount` setting.
 */
import { describe, expect, it } from "vitest";
import { AccountCatalog } from "../../provider/account/catalog";
import { ConfigurationError } from "../../provider/errors";
import { accountFailures, checkAccountEnabled } from "../../provider/key/accountChecks";
import { UNKNOWN } from "../../provider/key/inputs";
import type { CometApiClient, UsableGroup } from "../../provider/service/client";
import { closestIds, didYouMean, editDistance } from "../../provider/shared/suggest";

const MODELS = ["gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet", "claude-3-5-haiku-latest", "deepseek-chat"];

/** A catalog over lists held in memory; `asked` records each request it would send. */
function catalogOf(
  groups: UsableGroup[] | Error,
  models: Record<string, string[]> | Error,
): { catalog: AccountCatalog; asked: string[]; warnings: string[] } {
  const asked: string[] = [];
  const warnings: string[] = [];
  const client = {
    usableGroups: async () => {
      asked.push("groups");
      if (groups instanceof Error) throw groups;
      return groups;
    },
    usableModels: async (group?: string) => {
      asked.push(`models:${group ?? ""}`);
      if (models instanceof Error) throw models;
      return models[group ?? ""] ?? [];
    },
  } as unknown as CometApiClient;
  return { catalog: new AccountCatalog(client, (m) => warnings.push(m)), asked, warnings };
}

const GROUPS: UsableGroup[] = [
  { name: "default", ratio: 1, description: "" },
  { name: "vip", ratio: 2, description: "" },
  { name: "auto", description: "" },
];

describe("editDistance", () => {
  it("counts insertions, deletions, substitutions and swaps of neighbours", () => {
    expect(editDistance("gpt-4o-mnii", "gpt-4o-mini")).toBe(1); // a swap
    expect(editDistance("gpt4o", "gpt-4o")).toBe(1);
    expect(editDistance("gpt-4o", "gpt-4o")).toBe(0);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("claude", "clade")).toBe(1);
  });
});

describe("closestIds / didYouMean", () => {
  it("suggests the nearest ids first, ignoring case", () => {
    expect(closestIds("gpt-4o-mnii", MODELS)[0]).toBe("gpt-4o-mini");
    expect(closestIds("GPT-4O", MODELS)[0]).toBe("gpt-4o");
    expect(didYouMean("gpt-4o-mnii", MODELS)).toBe('; did you mean "gpt-4o-mini"?');
    expect(didYouMean("vpi", ["default", "vip", "auto"])).toBe('; did you mean "vip"?');
  });

  it("names at most three, and nothing unrelated", () => {
    expect(closestIds("gpt-4", ["gpt-4a", "gpt-4b", "gpt-4c", "gpt-4d"])).toHaveLength(3);
    expect(closestIds("llama-3-70b", MODELS)).toEqual([]);
    expect(didYouMean("llama-3-70b", MODELS)).toBe("");
  });
});

describe("accountFailures", () => {
  it("reports every unknown model and an unknown group at once, with suggestions", async () => {
    const { catalog } = catalogOf(GROUPS, { "": MODELS, default: MODELS });
    const typoModels = await accountFailures(
      { models: ["gpt-4o", "gpt-4o-mnii", "deepseek-caht"], group: "default" },
      catalog,
      new Set(),
    );
    expect(typoModels).toEqual([
      {
        property: "models",
        reason:
          'models[1] "gpt-4o-mnii" is not a model this account may use in group "default"; did you mean "gpt-4o-mini"?',
      },
      {
        property: "models",
        reason:
          'models[2] "deepseek-caht" is not a model this account may use in group "default"; did you mean "deepseek-chat"?',
      },
    ]);
    const typoGroup = await accountFailures({ models: ["gpt-4o"], group: "vpi" }, catalog, new Set());
    expect(typoGroup).toEqual([
      {
        property: "group",
        reason:
          '"vpi" is not a group this account may use; did you mean "vip"? (usable groups: default, vip, auto)',
      },
    ]);
  });

  it("checks models against all usable groups without a group, and for auto", async () => {
    const { catalog, asked } = catalogOf(GROUPS, { "": MODELS, vip: ["o1"] });
    expect(await accountFailures({ models: ["gpt-4o"], group: "" }, catalog, new Set())).toEqual([]);
    expect(await accountFailures({ models: ["gpt-4o"], group: "auto" }, catalog, new Set())).toEqual([]);
    const vip = await accountFailures({ models: ["gpt-4o"], group: "vip" }, catalog, new Set());
    expect(vip[0]?.reason).toContain('"gpt-4o" is not a model this account may use in group "vip"');
    expect(asked).toEqual(["models:", "groups", "models:vip"]); // each list once
  });

  it("leaves unknown values for up, and what failed locally to the local failure", async () => {
    const { catalog, asked } = catalogOf(GROUPS, { "": MODELS });
    expect(await accountFailures({ models: ["gpt-4o-mnii"], group: UNKNOWN }, catalog, new Set())).toEqual(
      [],
    );
    const partly = await accountFailures({ models: [UNKNOWN, "gpt-4o-mnii"], group: "" }, catalog, new Set());
    expect(partly.map((f) => f.reason)).toEqual([expect.stringContaining('models[1] "gpt-4o-mnii"')]);
    expect(await accountFailures({ models: ["x y"], group: "" }, catalog, new Set(["models"]))).toEqual([]);
    expect(asked).toEqual(["models:"]);
  });

  it("warns once and reports nothing when the lists cannot be had", async () => {
    const { catalog, asked, warnings } = catalogOf(new Error("HTTP 404"), new Error("HTTP 404"));
    for (let i = 0; i < 3; i += 1) {
      expect(await accountFailures({ models: ["gpt-4o-mnii"], group: "vpi" }, catalog, new Set())).toEqual(
        [],
      );
    }
    expect(asked).toEqual(["groups"]); // the group could not be vouched for: its models neither; asked once
    expect(await accountFailures({ models: ["gpt-4o-mnii"], group: "" }, catalog, new Set())).toEqual([]);
    expect(asked).toEqual(["groups", "models:"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("checked locally only");
    expect(warnings[0]).toContain("cometapi:checkAccount false");
  });
});

describe("checkAccountEnabled", () => {
  it("is on unless cometapi:checkAccount or COMETAPI_CHECK_ACCOUNT says false", () => {
    expect(checkAccountEnabled(undefined, {})).toBe(true);
    expect(checkAccountEnabled("false", {})).toBe(false);
    expect(checkAccountEnabled(undefined, { COMETAPI_CHECK_ACCOUNT: "false" })).toBe(false);
    expect(checkAccountEnabled("true", { COMETAPI_CHECK_ACCOUNT: "false" })).toBe(true);
    expect(() => checkAccountEnabled("no", {})).toThrow(ConfigurationError);
    expect(() => checkAccountEnabled("no", {})).toThrow(
      /cometapi:checkAccount .* must be true or false, got "no"/,
    );
  });
});
