/**
 * `checkInputs` and its helpers: normalisation, expiry parsing, auto-naming and the unknown
 * sentinel. Pure functions, no sockets.
 */
import { describe, expect, it } from "vitest";
import {
  autoName,
  type CheckFailure,
  checkInputs,
  isUnknown,
  MAX_NAME_BYTES,
  MAX_QUOTA,
  nameProblem,
  UNKNOWN,
} from "../../provider/key/inputs";
import { parseExpiry, toIso } from "../../provider/shared/timestamp";

/** 2026-01-01T00:00:00Z: a fixed "now" so expiry rules never depend on the wall clock. */
const NOW = 1_767_225_600;
const base = { quota: 1000 };

function check(news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  return checkInputs(olds, news, NOW);
}

function failuresOf(news: Record<string, unknown>, olds: Record<string, unknown> = {}): CheckFailure[] {
  return check(news, olds).failures;
}

function ok(news: Record<string, unknown>, olds: Record<string, unknown> = {}): Record<string, unknown> {
  const { inputs, failures } = check(news, olds);
  expect(failures).toEqual([]);
  return inputs;
}

const AUTO_NAME = /^(.*)-([0-9a-f]{7})$/;

describe("defaults", () => {
  it("fills every optional input with its documented default", () => {
    const inputs = ok({ ...base, name: "svc" });
    expect(inputs).toEqual({
      name: "svc",
      quota: 1000,
      unlimitedQuota: false,
      models: [],
      allowIps: [],
      group: "",
      crossGroupRetry: false,
      autoGroups: [],
      enabled: true,
    });
  });

  it("treats null like omitted", () => {
    const inputs = ok({
      name: "svc",
      quota: 5,
      unlimitedQuota: null,
      models: null,
      allowIps: null,
      group: null,
      crossGroupRetry: null,
      enabled: null,
      expiresAt: null,
      adoptKeyId: null,
    });
    expect(inputs).toMatchObject({
      unlimitedQuota: false,
      models: [],
      allowIps: [],
      group: "",
      enabled: true,
    });
    expect(inputs).not.toHaveProperty("expiresAt");
    expect(inputs).not.toHaveProperty("adoptKeyId");
  });

  it("accepts unlimitedQuota without quota", () => {
    const inputs = ok({ name: "svc", unlimitedQuota: true });
    expect(inputs.unlimitedQuota).toBe(true);
    expect(inputs).not.toHaveProperty("quota");
  });

  it("ignores the SDK's internal properties (no 'unknown property' failure)", () => {
    const inputs = ok({ ...base, name: "svc", __provider: "serialized", __logicalName: "svc" });
    expect(inputs).not.toHaveProperty("__provider");
    expect(inputs.__logicalName).toBe("svc");
  });
});

describe("normalisation of models", () => {
  it("trims entries", () => {
    expect(ok({ ...base, models: [" gpt-4o ", "gpt-4o-mini\t"] }).models).toEqual(["gpt-4o", "gpt-4o-mini"]);
  });

  it("refuses an entry that repeats another after trimming, naming both positions", () => {
    const failures = failuresOf({ ...base, models: ["gpt-4o", " gpt-4o"] });
    expect(failures).toHaveLength(1);
    expect(failures[0]?.property).toBe("models");
    expect(failures[0]?.reason).toMatch(/models\[1\].*repeats models\[0\]/);
  });

  it("treats an empty list as no restriction", () => {
    expect(ok({ ...base, models: [] }).models).toEqual([]);
  });

  it.each([
    ["a comma", "gpt-4o,gpt-4o-mini", /comma/],
    ["white space", "gpt 4o", /white space/],
    ["a NUL control character", "gpt\u00004o", /control characters/],
    ["an empty entry", "   ", /models\[0\] is empty/],
  ])("refuses a model id with %s", (_title, model, reason) => {
    const failures = failuresOf({ ...base, models: [model] });
    expect(failures).toEqual([{ property: "models", reason: expect.stringMatching(reason) }]);
  });

  it("refuses a comma-joined string instead of a list", () => {
    expect(failuresOf({ ...base, models: "gpt-4o,gpt-4o-mini" })).toEqual([
      { property: "models", reason: expect.stringMatching(/must be a list of strings/) },
    ]);
  });
});

describe("normalisation of allowIps", () => {
  it("stores canonical entries in the order written: /32 dropped, IPv6 compressed and lower-cased", () => {
    expect(
      ok({
        ...base,
        allowIps: [" 1.2.3.4/32 ", "10.0.0.0/8", "2001:DB8:0:0:0:0:0:1", "2001:db8::/32", "::1/128"],
      }).allowIps,
    ).toEqual(["1.2.3.4", "10.0.0.0/8", "2001:db8::1", "2001:db8::/32", "::1"]);
  });

  it("treats 1.2.3.4 and 1.2.3.4/32 as the same entry (a duplicate)", () => {
    const failures = failuresOf({ ...base, allowIps: ["1.2.3.4", "1.2.3.4/32"] });
    expect(failures).toEqual([
      {
        property: "allowIps",
        reason: expect.stringMatching(/allowIps\[1\] "1\.2\.3\.4\/32" repeats allowIps\[0\]/),
      },
    ]);
  });

  it("refuses a CIDR with host bits set and suggests the network", () => {
    const failures = failuresOf({ ...base, allowIps: ["10.1.2.3/8"] });
    expect(failures).toEqual([
      { property: "allowIps", reason: expect.stringMatching(/allowIps\[0\].*host bits.*10\.0\.0\.0\/8/) },
    ]);
  });

  it("reports every bad entry, each with its index", () => {
    const failures = failuresOf({ ...base, allowIps: ["1.2.3.4", "nope", 7, "300.1.1.1"] });
    expect(failures.map((f) => f.property)).toEqual(["allowIps", "allowIps", "allowIps"]);
    expect(failures.map((f) => f.reason)).toEqual([
      expect.stringMatching(/^allowIps\[1\] "nope" is not an IPv4 or IPv6/),
      expect.stringMatching(/^allowIps\[2\] must be a string, got the number 7/),
      expect.stringMatching(/^allowIps\[3\] "300\.1\.1\.1"/),
    ]);
  });
});

describe("quota and unlimitedQuota", () => {
  it.each([
    ["zero", 0],
    ["the service maximum", MAX_QUOTA],
    ["an ordinary allotment", 500_000],
  ])("accepts %s", (_title, quota) => {
    expect(ok({ quota }).quota).toBe(quota);
  });

  it.each([
    ["NaN", Number.NaN, /finite/],
    ["Infinity", Number.POSITIVE_INFINITY, /finite/],
    ["negative", -1, /must not be negative/],
    ["fractional", 1.5, /whole number/],
    ["above the maximum", MAX_QUOTA + 1, /at most 2147483647.*unlimitedQuota: true/],
    ["a string", "1000", /must be a number of quota units, got the string "1000"/],
  ])("refuses a quota that is %s", (_title, quota, reason) => {
    expect(failuresOf({ quota })).toEqual([{ property: "quota", reason: expect.stringMatching(reason) }]);
  });

  it("requires one of quota and unlimitedQuota", () => {
    expect(failuresOf({ name: "x" })).toEqual([
      { property: "quota", reason: expect.stringMatching(/required.*unlimitedQuota: true/) },
    ]);
    expect(failuresOf({ name: "x", unlimitedQuota: false })).toEqual([
      { property: "quota", reason: expect.stringMatching(/required/) },
    ]);
  });

  it("refuses both", () => {
    expect(failuresOf({ quota: 5, unlimitedQuota: true })).toEqual([
      { property: "quota", reason: expect.stringMatching(/cannot be combined with unlimitedQuota/) },
    ]);
  });

  it("refuses a non-boolean unlimitedQuota", () => {
    expect(failuresOf({ quota: 5, unlimitedQuota: "yes" })).toContainEqual({
      property: "unlimitedQuota",
      reason: expect.stringMatching(/true or false/),
    });
  });
});

describe("group, crossGroupRetry, enabled, adoptKeyId", () => {
  it("trims the group and accepts crossGroupRetry with group auto", () => {
    const inputs = ok({ ...base, group: " auto ", crossGroupRetry: true });
    expect(inputs).toMatchObject({ group: "auto", crossGroupRetry: true });
  });

  it("refuses crossGroupRetry without group auto, naming the group", () => {
    expect(failuresOf({ ...base, group: "vip", crossGroupRetry: true })).toEqual([
      { property: "crossGroupRetry", reason: expect.stringMatching(/group "auto".*"vip"/) },
    ]);
    expect(failuresOf({ ...base, crossGroupRetry: true })).toHaveLength(1);
  });

  it("accepts crossGroupRetry: false with any group", () => {
    expect(ok({ ...base, group: "vip", crossGroupRetry: false }).crossGroupRetry).toBe(false);
  });

  it("accepts adoptKeyId as a number or a digit string", () => {
    expect(ok({ ...base, adoptKeyId: 12 }).adoptKeyId).toBe(12);
    expect(ok({ ...base, adoptKeyId: " 34 " }).adoptKeyId).toBe(34);
  });

  it.each([0, -3, 1.5, "abc", "1e3", true, Number.MAX_SAFE_INTEGER + 1])("refuses adoptKeyId %s", (id) => {
    expect(failuresOf({ ...base, adoptKeyId: id })).toEqual([
      { property: "adoptKeyId", reason: expect.stringMatching(/positive whole-number id/) },
    ]);
  });

  it("refuses a non-boolean enabled", () => {
    expect(failuresOf({ ...base, enabled: "false" })).toEqual([
      { property: "enabled", reason: expect.stringMatching(/true or false, got the string "false"/) },
    ]);
  });

  it("refuses unknown property names and lists the real ones", () => {
    expect(failuresOf({ ...base, quotaLimit: 5 })).toEqual([
      {
        property: "quotaLimit",
        reason: expect.stringMatching(/not a property of CometApiKey.*unlimitedQuota/),
      },
    ]);
  });

  it("reports all failures at once", () => {
    const failures = failuresOf({ name: "", quota: -1, models: ["a b"], enabled: 1 });
    expect(failures.map((f) => f.property).sort()).toEqual(["enabled", "models", "name", "quota"]);
  });
});

describe("names", () => {
  it("accepts exactly 50 bytes, refuses 51", () => {
    expect(nameProblem("a".repeat(MAX_NAME_BYTES))).toBeUndefined();
    expect(nameProblem("a".repeat(MAX_NAME_BYTES + 1))).toMatch(/51 bytes/);
  });

  it("counts UTF-8 bytes, not characters: 16 CJK characters fit, 17 do not", () => {
    expect(nameProblem("密".repeat(16))).toBeUndefined();
    const reason = nameProblem("密".repeat(17));
    expect(reason).toMatch(/51 bytes long in UTF-8 \(17 characters\).*at most 50 bytes/);
  });

  it.each([
    ["empty", "", /must not be empty/],
    ["blank", "  ", /must not be empty/],
    ["with a newline", "a\nb", /control characters/],
    ["with a tab", "a\tb", /control characters/],
  ])("refuses a name that is %s", (_t, name, reason) => {
    expect(failuresOf({ ...base, name })).toEqual([
      { property: "name", reason: expect.stringMatching(reason) },
    ]);
  });

  it("refuses a non-string name", () => {
    expect(failuresOf({ ...base, name: 42 })).toEqual([
      { property: "name", reason: expect.stringMatching(/must be a string, got the number 42/) },
    ]);
  });
});

describe("parseExpiry", () => {
  it("parses ISO-8601 with a zone", () => {
    expect(parseExpiry("2027-01-31T00:00:00Z")).toBe(Date.UTC(2027, 0, 31) / 1000);
    expect(parseExpiry("2027-01-31T02:00:00+02:00")).toBe(Date.UTC(2027, 0, 31) / 1000);
    expect(parseExpiry("2027-01-31T00:00Z")).toBe(Date.UTC(2027, 0, 31) / 1000);
    expect(parseExpiry("2027-01-31T00:00:00.999Z")).toBe(Date.UTC(2027, 0, 31) / 1000);
  });

  it("reads a date alone as midnight UTC", () => {
    expect(parseExpiry("2027-01-31")).toBe(Date.UTC(2027, 0, 31) / 1000);
  });

  it("accepts unix seconds as a number and as a digit string", () => {
    expect(parseExpiry(1_800_000_000)).toBe(1_800_000_000);
    expect(parseExpiry(" 1800000000 ")).toBe(1_800_000_000);
  });

  it("spots milliseconds passed as seconds, as a number or a string", () => {
    expect(parseExpiry(1_800_000_000_000)).toMatch(/looks like milliseconds.*Math\.floor\(ms \/ 1000\)/);
    expect(parseExpiry("1800000000000")).toMatch(/looks like milliseconds/);
  });

  it.each([
    ["2027-02-30", /not a real date/],
    ["2027-02-29", /not a real date/],
    ["2027-13-01", /not a real date/],
    ["2027-01-01T24:00:00Z", /not a real date/],
    ["2027-01-01T12:60:00Z", /not a real date/],
    ["2027-01-01T00:00:00", /time zone/],
    ["next tuesday", /not an ISO-8601 timestamp/],
    ["", /not an ISO-8601/],
  ])("refuses %j", (text, reason) => {
    expect(parseExpiry(text)).toMatch(reason);
  });

  it("accepts 29 February in a leap year", () => {
    expect(parseExpiry("2028-02-29")).toBe(Date.UTC(2028, 1, 29) / 1000);
  });

  it.each([
    [0, /positive/],
    [-1, /positive/],
    [1.5, /whole unix seconds/],
    [Number.NaN, /whole unix seconds/],
    [true, /ISO-8601 timestamp or unix seconds, got boolean/],
  ])("refuses %s", (value, reason) => {
    expect(parseExpiry(value)).toMatch(reason);
  });

  it("round-trips through toIso", () => {
    expect(toIso(Date.UTC(2027, 0, 31, 12, 30, 5) / 1000)).toBe("2027-01-31T12:30:05Z");
  });
});

describe("expiresAt in checkInputs", () => {
  it("stores the normal form: ISO UTC, second precision", () => {
    expect(ok({ ...base, expiresAt: "2027-01-31T02:00:00+02:00" }).expiresAt).toBe("2027-01-31T00:00:00Z");
    expect(ok({ ...base, expiresAt: NOW + 3600 }).expiresAt).toBe(toIso(NOW + 3600));
  });

  it("refuses a past expiry on create", () => {
    expect(failuresOf({ ...base, expiresAt: "2020-01-01" })).toEqual([
      { property: "expiresAt", reason: expect.stringMatching(/2020-01-01T00:00:00Z is in the past.*future/) },
    ]);
    expect(failuresOf({ ...base, expiresAt: NOW })).toHaveLength(1);
  });

  it("accepts a past expiry on update (the key exists; reporting it expired is refresh's job)", () => {
    const olds = { name: "svc", quota: 1000 };
    expect(ok({ ...base, name: "svc", expiresAt: "2020-01-01" }, olds).expiresAt).toBe(
      "2020-01-01T00:00:00Z",
    );
  });

  it("refuses more than 100 years away, at create and update", () => {
    const far = NOW + 101 * 366 * 86_400;
    expect(failuresOf({ ...base, expiresAt: far })).toEqual([
      { property: "expiresAt", reason: expect.stringMatching(/more than 100 years.*omit expiresAt/) },
    ]);
    expect(failuresOf({ ...base, name: "svc", expiresAt: "2200-01-01" }, { name: "svc" })).toHaveLength(1);
  });

  it("accepts 99 years away", () => {
    expect(failuresOf({ ...base, expiresAt: NOW + 99 * 365 * 86_400 })).toEqual([]);
  });
});

describe("auto-naming", () => {
  it("is the logical name plus - and 7 hex digits", () => {
    const name = ok({ ...base, __logicalName: "svc-key" }).name as string;
    expect(name).toMatch(/^svc-key-[0-9a-f]{7}$/);
  });

  it("differs between resources with the same logical name", () => {
    const names = new Set(Array.from({ length: 20 }, () => autoName("same")));
    expect(names.size).toBeGreaterThan(1);
  });

  it("falls back to 'key' without a logical name", () => {
    expect(ok(base).name).toMatch(/^key-[0-9a-f]{7}$/);
    expect(autoName("")).toMatch(/^key-[0-9a-f]{7}$/);
  });

  it.each([
    ["a long ASCII name", "x".repeat(120)],
    ["a long CJK name", "名".repeat(40)],
    ["emoji", "🔑".repeat(30)],
    ["mixed", `${"a".repeat(41)}密密密`],
  ])("stays within 50 UTF-8 bytes for %s and never splits a character", (_t, logical) => {
    for (let i = 0; i < 5; i++) {
      const name = autoName(logical);
      expect(Buffer.byteLength(name, "utf8")).toBeLessThanOrEqual(MAX_NAME_BYTES);
      const m = AUTO_NAME.exec(name);
      expect(m).not.toBeNull();
      const prefix = m?.[1] ?? "";
      expect(prefix.length).toBeGreaterThan(0);
      expect(logical.startsWith(prefix)).toBe(true);
      expect(nameProblem(name)).toBeUndefined();
    }
  });

  it("drops control characters from the logical name", () => {
    expect(autoName("a\nb\tc")).toMatch(/^abc-[0-9a-f]{7}$/);
  });

  it("is kept across checks when the old inputs were auto-named with the same logical name", () => {
    const first = ok({ ...base, __logicalName: "svc" });
    expect(first.__autoName).toBe(first.name);
    const second = ok({ ...base, quota: 2000, __logicalName: "svc" }, first);
    expect(second.name).toBe(first.name);
    expect(second.__autoName).toBe(first.name);
  });

  it("keeps the generated name, not a drifted one, when refresh stored a console rename as the name", () => {
    const first = ok({ ...base, __logicalName: "svc" });
    const refreshed = { ...first, name: "renamed in the console" };
    const second = ok({ ...base, __logicalName: "svc" }, refreshed);
    expect(second.name).toBe(first.name);
  });

  it("is regenerated when the logical name changed", () => {
    const first = ok({ ...base, __logicalName: "svc" });
    const second = ok({ ...base, __logicalName: "other" }, first);
    expect(second.name).toMatch(/^other-[0-9a-f]{7}$/);
  });

  it("does not mark an explicit name as auto-named", () => {
    const inputs = ok({ ...base, name: "mine", __logicalName: "svc" });
    expect(inputs).not.toHaveProperty("__autoName");
  });

  it("replaces an explicit name the user removed with a fresh auto-name", () => {
    const first = ok({ ...base, name: "mine", __logicalName: "svc" });
    const second = ok({ ...base, __logicalName: "svc" }, first);
    expect(second.name).toMatch(/^svc-[0-9a-f]{7}$/);
    expect(second.__autoName).toBe(second.name);
  });

  it("an explicit name given later wins over the auto-name", () => {
    const first = ok({ ...base, __logicalName: "svc" });
    const second = ok({ ...base, name: "chosen", __logicalName: "svc" }, first);
    expect(second.name).toBe("chosen");
    expect(second).not.toHaveProperty("__autoName");
  });
});

describe("the unknown sentinel", () => {
  it("isUnknown sees it at top level and inside arrays", () => {
    expect(isUnknown(UNKNOWN)).toBe(true);
    expect(isUnknown(["a", UNKNOWN])).toBe(true);
    expect(isUnknown(["a"])).toBe(false);
    expect(isUnknown("04da6b54")).toBe(false);
    expect(isUnknown(undefined)).toBe(false);
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
    "adoptKeyId",
  ])("passes an unknown %s through without a failure", (property) => {
    const news: Record<string, unknown> = { name: "svc", quota: 1, [property]: UNKNOWN };
    if (property === "unlimitedQuota") delete news.quota;
    const { inputs, failures } = check(news);
    expect(failures).toEqual([]);
    expect(inputs[property]).toBe(UNKNOWN);
  });

  it("passes unknown list entries through and still validates the known ones", () => {
    expect(ok({ ...base, models: [UNKNOWN, " gpt-4o "], allowIps: ["1.2.3.4/32", UNKNOWN] })).toMatchObject({
      models: [UNKNOWN, "gpt-4o"],
      allowIps: ["1.2.3.4", UNKNOWN],
    });
    expect(failuresOf({ ...base, allowIps: [UNKNOWN, "nope"] })).toEqual([
      { property: "allowIps", reason: expect.stringMatching(/allowIps\[1\]/) },
    ]);
  });

  it("does not require quota while it or unlimitedQuota is unknown", () => {
    expect(failuresOf({ name: "svc", quota: UNKNOWN, unlimitedQuota: true })).toEqual([]);
    expect(failuresOf({ name: "svc", unlimitedQuota: UNKNOWN })).toEqual([]);
  });

  it("does not judge crossGroupRetry while the group is unknown", () => {
    expect(failuresOf({ ...base, group: UNKNOWN, crossGroupRetry: true })).toEqual([]);
  });

  it("keeps validating the known fields next to an unknown one", () => {
    expect(failuresOf({ name: UNKNOWN, quota: -5 })).toEqual([
      { property: "quota", reason: expect.stringMatching(/negative/) },
    ]);
  });
});
