/**
 * The provider's `diff`: configured values only (old outputs vs new checked inputs), sets for
 * models and IPs, never live counters, unknowns as changes, and `adoptKeyId`'s replace rule.
 * `diff` makes no HTTP request; the connection points at a closed port to prove it.
 */
import { describe, expect, it } from "vitest";
import { setElementChanges } from "../../provider/key/diff";
import { UNKNOWN } from "../../provider/key/inputs";
import { createCometApiKeyProvider } from "../../provider/key/lifecycle";

const provider = createCometApiKeyProvider({
  connection: { baseUrl: "http://127.0.0.1:9", accessToken: "x" },
});

/** Old outputs as the engine hands them to diff: normalised inputs plus what the service reported. */
const olds: Record<string, unknown> = {
  name: "svc-1a2b3c4",
  __logicalName: "svc",
  __autoName: "svc-1a2b3c4",
  expiresAt: "2027-01-31T00:00:00Z",
  quota: 500_000,
  unlimitedQuota: false,
  models: ["claude-3-5-sonnet", "gpt-4o"],
  allowIps: ["1.2.3.4", "10.0.0.0/8"],
  group: "auto",
  crossGroupRetry: true,
  enabled: true,
  keyId: 17,
  key: "sk-secret",
  maskedKey: "sk-abcd**********wxyz",
  status: "enabled",
  remainingQuota: 412_000,
  usedQuota: 88_000,
  createdAt: "2026-01-01T00:00:00Z",
  accessedAt: "2026-03-01T12:00:00Z",
};

/** The same configuration as new inputs after check. */
const news: Record<string, unknown> = {
  name: "svc-1a2b3c4",
  __logicalName: "svc",
  __autoName: "svc-1a2b3c4",
  expiresAt: "2027-01-31T00:00:00Z",
  quota: 500_000,
  unlimitedQuota: false,
  models: ["claude-3-5-sonnet", "gpt-4o"],
  allowIps: ["1.2.3.4", "10.0.0.0/8"],
  group: "auto",
  crossGroupRetry: true,
  enabled: true,
};

async function diff(newPatch: Record<string, unknown>, oldPatch: Record<string, unknown> = {}) {
  return provider.diff("17", { ...olds, ...oldPatch }, { ...news, ...newPatch });
}

const NO_CHANGE = { changes: false, replaces: [], deleteBeforeReplace: false };

describe("diff", () => {
  it("reports nothing for the same configuration", async () => {
    expect(await diff({})).toEqual(NO_CHANGE);
  });

  it("never reports live counters: usage, status and access time alone are not changes", async () => {
    expect(
      await diff(
        {},
        {
          remainingQuota: -20,
          usedQuota: 999_999,
          status: "exhausted",
          accessedAt: "2026-06-01T00:00:00Z",
          maskedKey: "sk-zzzz**********zzzz",
          createdAt: "2020-01-01T00:00:00Z",
        },
      ),
    ).toEqual(NO_CHANGE);
    expect(await diff({}, { status: "expired" })).toEqual(NO_CHANGE);
    expect(await diff({}, { status: "disabled" })).toEqual(NO_CHANGE);
  });

  it("compares models and IPs as sets, IPs in canonical form", async () => {
    expect(
      await diff({ models: ["gpt-4o", "claude-3-5-sonnet"], allowIps: ["10.0.0.0/8", "1.2.3.4/32"] }),
    ).toEqual(NO_CHANGE);
    expect(
      await diff({ allowIps: ["10.0.0.0/8", "1.2.3.4"] }, { allowIps: ["1.2.3.4/32", "10.0.0.0/8"] }),
    ).toEqual(NO_CHANGE);
  });

  it("compares IPv6 entries however they are written", async () => {
    expect(await diff({ allowIps: ["2001:db8::1"] }, { allowIps: ["2001:DB8:0:0:0:0:0:1/128"] })).toEqual(
      NO_CHANGE,
    );
  });

  it("compares expiries as instants", async () => {
    expect(await diff({ expiresAt: "2027-01-31" })).toEqual(NO_CHANGE);
    expect(await diff({ expiresAt: Date.UTC(2027, 0, 31) / 1000 })).toEqual(NO_CHANGE);
    expect(await diff({ expiresAt: "2027-01-31T02:00:00+02:00" })).toEqual(NO_CHANGE);
  });

  it("treats omitted values like their defaults", async () => {
    const minimalOld = { name: "n", quota: 1, keyId: 3 };
    expect(
      await provider.diff("3", minimalOld, {
        name: "n",
        quota: 1,
        unlimitedQuota: false,
        models: [],
        allowIps: [],
        group: "",
        crossGroupRetry: false,
        enabled: true,
      }),
    ).toEqual(NO_CHANGE);
  });

  it.each<[string, Record<string, unknown>]>([
    ["quota (an explicit top-up)", { quota: 1_000_000 }],
    ["quota to unlimited", { quota: undefined, unlimitedQuota: true }],
    ["name", { name: "renamed" }],
    ["expiresAt", { expiresAt: "2027-02-01T00:00:00Z" }],
    ["expiresAt removed (never expires)", { expiresAt: undefined }],
    ["a model added", { models: ["claude-3-5-sonnet", "gpt-4o", "deepseek-chat"] }],
    ["models removed (no restriction)", { models: [] }],
    ["an IP prefix", { allowIps: ["1.2.3.4", "10.0.0.0/16"] }],
    ["group", { group: "vip", crossGroupRetry: false }],
    ["crossGroupRetry", { crossGroupRetry: false }],
    ["enabled", { enabled: false }],
  ])("reports a change of %s, in place", async (_t, patch) => {
    expect(await diff(patch)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it.each([
    "name",
    "expiresAt",
    "quota",
    "unlimitedQuota",
    "models",
    "allowIps",
    "group",
    "crossGroupRetry",
    "enabled",
  ])("reports a change when %s is unknown (preview)", async (property) => {
    expect((await diff({ [property]: UNKNOWN })).changes).toBe(true);
  });

  it("reports a change when a list holds an unknown entry", async () => {
    expect((await diff({ models: ["gpt-4o", UNKNOWN] })).changes).toBe(true);
    expect((await diff({ allowIps: ["1.2.3.4", "10.0.0.0/8", UNKNOWN] })).changes).toBe(true);
  });

  describe("adoptKeyId", () => {
    it("a different id replaces the resource", async () => {
      expect(await diff({ adoptKeyId: 99 })).toEqual({
        changes: true,
        replaces: ["adoptKeyId"],
        deleteBeforeReplace: false,
      });
    });

    it("the id of the key already managed changes nothing", async () => {
      expect(await diff({ adoptKeyId: 17 })).toEqual(NO_CHANGE);
    });

    it("the same id that was adopted before changes nothing", async () => {
      expect(await diff({ adoptKeyId: 17 }, { adoptKeyId: 17 })).toEqual(NO_CHANGE);
    });

    it("removing adoptKeyId after adoption changes nothing (the key stays managed)", async () => {
      expect(await diff({}, { adoptKeyId: 17 })).toEqual(NO_CHANGE);
    });

    it("switching the adopted id to another key replaces", async () => {
      expect((await diff({ adoptKeyId: 18 }, { adoptKeyId: 17 })).replaces).toEqual(["adoptKeyId"]);
    });

    // An unknown adoptKeyId (another resource's output during preview) may name another key.
    it("an unknown adoptKeyId is reported as a possible replace", async () => {
      expect(await diff({ adoptKeyId: UNKNOWN })).toMatchObject({ changes: true, replaces: ["adoptKeyId"] });
    });
  });
});

describe("set-valued lists: element changes for the plugin's detailed diff", () => {
  it("one model added in front is one addition at its index in the new list", () => {
    expect(
      setElementChanges("models", { models: ["gpt-4o-mini"] }, { models: ["gpt-4o", "gpt-4o-mini"] }),
    ).toEqual({ added: [0], removed: [] });
  });

  it("a reordering changes no element", () => {
    expect(setElementChanges("models", { models: ["a", "b"] }, { models: ["b", "a"] })).toEqual({
      added: [],
      removed: [],
    });
  });

  it("a removed IP is one deletion at its index in the old list, IPs compared in canonical form", () => {
    expect(
      setElementChanges(
        "allowIps",
        { allowIps: ["10.0.0.0/8", "1.2.3.4", "::1"] },
        { allowIps: ["1.2.3.4/32", "0:0:0:0:0:0:0:1"] },
      ),
    ).toEqual({ added: [], removed: [0] });
  });

  it("gives up on unknown entries (the property then diffs as a whole)", () => {
    expect(setElementChanges("models", { models: ["a"] }, { models: [UNKNOWN] })).toBeUndefined();
    expect(setElementChanges("models", { models: ["a"] }, { models: UNKNOWN })).toBeUndefined();
  });
});
