/**
 * The bad-input catalogue: every row is an input `check` must refuse before any request is made,
 * with the property at fault and a reason a person can act on. The table doubles as documentation
 * of the rules (it is printed once when the file runs); the good rows keep it honest both ways.
 *
 * The provider is connected to a real emulator, and after the whole table its request counter
 * must show no request to `/api/*`: validation happens in `check`, never by asking the server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../../emulator/index";
import { CometApiClient } from "../../../provider/index";
import { UNKNOWN } from "../../../provider/key/inputs";
import { type CometApiKeyProvider, createCometApiKeyProvider } from "../../../provider/key/lifecycle";

interface BadInput {
  title: string;
  input: Record<string, unknown>;
  /** The property the failure must name. */
  property: string;
  /** What the reason must say (the part that tells the user what to do). */
  reason: RegExp;
}

interface GoodInput {
  title: string;
  input: Record<string, unknown>;
}

const q = { quota: 500_000 };
/** The strictest known build's cap (upstream 2026-08); the 2026-03 build allowed 5e14. */
const MAX_QUOTA = 2_147_483_647;

const BAD_INPUTS: BadInput[] = [
  // quota / unlimitedQuota
  {
    title: "quota as a string",
    input: { quota: "1000" },
    property: "quota",
    reason: /must be a number of quota units/,
  },
  {
    title: "quota NaN",
    input: { quota: Number.NaN },
    property: "quota",
    reason: /must be a finite number, got NaN/,
  },
  {
    title: "quota Infinity",
    input: { quota: Number.POSITIVE_INFINITY },
    property: "quota",
    reason: /finite number/,
  },
  {
    title: "quota -Infinity",
    input: { quota: Number.NEGATIVE_INFINITY },
    property: "quota",
    reason: /finite number/,
  },
  {
    title: "quota negative",
    input: { quota: -1 },
    property: "quota",
    reason: /must not be negative, got -1/,
  },
  {
    title: "quota fractional",
    input: { quota: 1.5 },
    property: "quota",
    reason: /whole number of quota units, got 1\.5/,
  },
  {
    title: "quota one above the server maximum",
    input: { quota: MAX_QUOTA + 1 },
    property: "quota",
    reason: /at most 2147483647 \(the service's limit for a limited key.*unlimitedQuota: true/,
  },
  {
    title: "quota far above the maximum",
    input: { quota: 1e20 },
    property: "quota",
    reason: /at most 2147483647/,
  },
  {
    title: "quota and unlimitedQuota both",
    input: { quota: 1000, unlimitedQuota: true },
    property: "quota",
    reason: /cannot be combined with unlimitedQuota: true; set one of the two/,
  },
  {
    title: "neither quota nor unlimitedQuota",
    input: { name: "no-allotment" },
    property: "quota",
    reason: /is required: set quota .* or unlimitedQuota: true/,
  },
  {
    title: "unlimitedQuota false and no quota",
    input: { unlimitedQuota: false },
    property: "quota",
    reason: /is required/,
  },
  {
    title: "unlimitedQuota as a string",
    input: { ...q, unlimitedQuota: "yes" },
    property: "unlimitedQuota",
    reason: /must be true or false, got the string "yes"/,
  },
  // name
  { title: "name empty", input: { ...q, name: "" }, property: "name", reason: /must not be empty/ },
  { title: "name only spaces", input: { ...q, name: "   " }, property: "name", reason: /must not be empty/ },
  {
    title: "name 51 ASCII characters",
    input: { ...q, name: "n".repeat(51) },
    property: "name",
    reason: /51 bytes long in UTF-8 \(51 characters\); CometAPI allows at most 50 bytes/,
  },
  {
    title: "name 17 CJK characters (51 bytes, under 50 characters)",
    input: { ...q, name: "密".repeat(17) },
    property: "name",
    reason: /51 bytes long in UTF-8 \(17 characters\).*non-ASCII characters take 2 to 4 bytes/,
  },
  {
    title: "name 13 emoji (52 bytes)",
    input: { ...q, name: "🔑".repeat(13) },
    property: "name",
    reason: /52 bytes long in UTF-8 \(13 characters\)/,
  },
  {
    title: "name with a newline",
    input: { ...q, name: "line1\nline2" },
    property: "name",
    reason: /must not contain control characters/,
  },
  {
    title: "name with a NUL",
    input: { ...q, name: "a\u0000b" },
    property: "name",
    reason: /control characters/,
  },
  {
    title: "name as a number",
    input: { ...q, name: 42 },
    property: "name",
    reason: /must be a string, got the number 42/,
  },
  // expiresAt
  {
    title: "expiresAt in the past",
    input: { ...q, expiresAt: "2020-01-01T00:00:00Z" },
    property: "expiresAt",
    reason: /2020-01-01T00:00:00Z is in the past.*Use a future time or omit it/,
  },
  {
    title: "expiresAt absurdly far (year 2200)",
    input: { ...q, expiresAt: "2200-01-01" },
    property: "expiresAt",
    reason: /more than 100 years away; omit expiresAt for a key that never expires/,
  },
  {
    title: "expiresAt in milliseconds",
    input: { ...q, expiresAt: 1_900_000_000_000 },
    property: "expiresAt",
    reason: /looks like milliseconds; pass unix seconds/,
  },
  {
    title: "expiresAt milliseconds as a digit string",
    input: { ...q, expiresAt: "1900000000000" },
    property: "expiresAt",
    reason: /looks like milliseconds/,
  },
  {
    title: "expiresAt 30 February",
    input: { ...q, expiresAt: "2027-02-30" },
    property: "expiresAt",
    reason: /"2027-02-30" is not a real date/,
  },
  {
    title: "expiresAt hour 24",
    input: { ...q, expiresAt: "2027-03-01T24:00:00Z" },
    property: "expiresAt",
    reason: /not a real date and time/,
  },
  {
    title: "expiresAt without a time zone",
    input: { ...q, expiresAt: "2027-01-31T00:00:00" },
    property: "expiresAt",
    reason: /not an ISO-8601 timestamp with a time zone \(e\.g\. 2027-01-31T00:00:00Z/,
  },
  {
    title: "expiresAt in words",
    input: { ...q, expiresAt: "next tuesday" },
    property: "expiresAt",
    reason: /not an ISO-8601 timestamp.*nor unix seconds/,
  },
  {
    title: "expiresAt zero",
    input: { ...q, expiresAt: 0 },
    property: "expiresAt",
    reason: /positive unix time/,
  },
  {
    title: "expiresAt -1",
    input: { ...q, expiresAt: -1 },
    property: "expiresAt",
    reason: /positive unix time/,
  },
  {
    title: "expiresAt fractional seconds",
    input: { ...q, expiresAt: 1_900_000_000.5 },
    property: "expiresAt",
    reason: /whole unix seconds/,
  },
  {
    title: "expiresAt a boolean",
    input: { ...q, expiresAt: true },
    property: "expiresAt",
    reason: /ISO-8601 timestamp or unix seconds, got boolean/,
  },
  // allowIps
  {
    title: "allowIps octet over 255",
    input: { ...q, allowIps: ["300.1.1.1"] },
    property: "allowIps",
    reason: /allowIps\[0\] "300\.1\.1\.1" is not an IPv4 or IPv6 address or CIDR \(e\.g\./,
  },
  {
    title: "allowIps three octets",
    input: { ...q, allowIps: ["10.0.0"] },
    property: "allowIps",
    reason: /not an IPv4 or IPv6 address/,
  },
  {
    title: "allowIps a host name",
    input: { ...q, allowIps: ["office.example.com"] },
    property: "allowIps",
    reason: /not an IPv4 or IPv6 address/,
  },
  {
    title: "allowIps a range",
    input: { ...q, allowIps: ["1.2.3.4-1.2.3.9"] },
    property: "allowIps",
    reason: /not an IPv4 or IPv6 address/,
  },
  {
    title: "allowIps CIDR with host bits (IPv4)",
    input: { ...q, allowIps: ["10.1.2.3/8"] },
    property: "allowIps",
    reason: /host bits set; did you mean 10\.0\.0\.0\/8\?/,
  },
  {
    title: "allowIps prefix /33",
    input: { ...q, allowIps: ["1.2.3.4/33"] },
    property: "allowIps",
    reason: /prefix length "33"; it must be a whole number from 0 to 32/,
  },
  {
    title: "allowIps empty prefix",
    input: { ...q, allowIps: ["1.2.3.4/"] },
    property: "allowIps",
    reason: /prefix length ""/,
  },
  {
    title: "allowIps IPv6 zone index",
    input: { ...q, allowIps: ["fe80::1%eth0"] },
    property: "allowIps",
    reason: /IPv6 zone index \(%…\), which cannot match/,
  },
  {
    title: "allowIps IPv6 with two ::",
    input: { ...q, allowIps: ["2001:db8::1::2"] },
    property: "allowIps",
    reason: /not an IPv4 or IPv6 address/,
  },
  {
    title: "allowIps IPv6 in brackets",
    input: { ...q, allowIps: ["[2001:db8::1]"] },
    property: "allowIps",
    reason: /not an IPv4 or IPv6 address/,
  },
  {
    title: "allowIps IPv6 CIDR with host bits",
    input: { ...q, allowIps: ["2001:db8::1/64"] },
    property: "allowIps",
    reason: /host bits set; did you mean 2001:db8::\/64\?/,
  },
  {
    title: "allowIps IPv6 prefix /129",
    input: { ...q, allowIps: ["2001:db8::/129"] },
    property: "allowIps",
    reason: /from 0 to 128/,
  },
  {
    title: "allowIps duplicate (1.2.3.4 = 1.2.3.4/32)",
    input: { ...q, allowIps: ["1.2.3.4", "1.2.3.4/32"] },
    property: "allowIps",
    reason: /allowIps\[1\] "1\.2\.3\.4\/32" repeats allowIps\[0\]; list each entry once/,
  },
  {
    title: "allowIps duplicate IPv6 spelled two ways",
    input: { ...q, allowIps: ["2001:db8::1", "2001:DB8:0:0:0:0:0:1"] },
    property: "allowIps",
    reason: /repeats allowIps\[0\]/,
  },
  {
    title: "allowIps empty entry",
    input: { ...q, allowIps: [""] },
    property: "allowIps",
    reason: /allowIps\[0\] is empty/,
  },
  {
    title: "allowIps a string, not a list",
    input: { ...q, allowIps: "1.2.3.4" },
    property: "allowIps",
    reason: /must be a list of strings, got the string "1\.2\.3\.4"/,
  },
  {
    title: "allowIps entry a number",
    input: { ...q, allowIps: [16909060] },
    property: "allowIps",
    reason: /allowIps\[0\] must be a string, got the number 16909060/,
  },
  // models
  {
    title: "models entry with a comma",
    input: { ...q, models: ["gpt-4o,gpt-4o-mini"] },
    property: "models",
    reason: /contains a comma; list each model id separately/,
  },
  {
    title: "models entry with a space",
    input: { ...q, models: ["gpt 4o"] },
    property: "models",
    reason: /contains white space; model ids have none/,
  },
  {
    title: "models entry with a control character",
    input: { ...q, models: ["gpt-4o\u0007"] },
    property: "models",
    reason: /contains control characters/,
  },
  {
    title: "models duplicate (after trimming)",
    input: { ...q, models: ["gpt-4o", " gpt-4o "] },
    property: "models",
    reason: /models\[1\] " gpt-4o " repeats models\[0\]/,
  },
  {
    title: "models empty entry",
    input: { ...q, models: ["gpt-4o", ""] },
    property: "models",
    reason: /models\[1\] is empty/,
  },
  {
    title: "models a comma-joined string",
    input: { ...q, models: "gpt-4o,gpt-4o-mini" },
    property: "models",
    reason: /must be a list of strings/,
  },
  // group / crossGroupRetry / enabled
  {
    title: "group with a comma",
    input: { ...q, group: "vip,auto" },
    property: "group",
    reason: /must not contain commas or control characters/,
  },
  {
    title: "group a number",
    input: { ...q, group: 1 },
    property: "group",
    reason: /must be a string, got the number 1/,
  },
  {
    title: "crossGroupRetry without a group",
    input: { ...q, crossGroupRetry: true },
    property: "crossGroupRetry",
    reason: /only works with group "auto" \(group is ""\); set group: "auto" or drop crossGroupRetry/,
  },
  {
    title: "crossGroupRetry with group vip",
    input: { ...q, group: "vip", crossGroupRetry: true },
    property: "crossGroupRetry",
    reason: /only works with group "auto" \(group is "vip"\)/,
  },
  {
    title: "crossGroupRetry as a string",
    input: { ...q, group: "auto", crossGroupRetry: "true" },
    property: "crossGroupRetry",
    reason: /must be true or false/,
  },
  {
    title: "enabled as a string",
    input: { ...q, enabled: "false" },
    property: "enabled",
    reason: /must be true or false/,
  },
  {
    title: "enabled as 0",
    input: { ...q, enabled: 0 },
    property: "enabled",
    reason: /must be true or false, got the number 0/,
  },
  // adoptKeyId
  ...(
    [
      ["zero", 0],
      ["negative", -5],
      ["fractional", 1.5],
      ["a word", "abc"],
      ["digits then letters", "12abc"],
      ["exponent notation", "1e3"],
      ["an empty string", ""],
      ["beyond safe integers", 2 ** 53],
      ["a boolean", true],
      ["a list", [12]],
    ] as const
  ).map(
    ([what, adoptKeyId]): BadInput => ({
      title: `adoptKeyId ${what}`,
      input: { ...q, adoptKeyId },
      property: "adoptKeyId",
      reason: /must be the positive whole-number id of an existing key/,
    }),
  ),
  // unknown properties
  ...(
    [
      ["a made-up property", "quotaLimit"],
      ["a typo of allowIps", "allowedIps"],
      ["the wire name of expiresAt", "expired_time"],
      ["an output property", "keyId"],
      ["a secret that must never be an input", "accessToken"],
    ] as const
  ).map(
    ([what, property]): BadInput => ({
      title: `unknown property: ${what} (${property})`,
      input: { ...q, [property]: 1 },
      property,
      reason: /is not a property of CometApiKey; expected one of: name, expiresAt, quota/,
    }),
  ),
];

const GOOD_INPUTS: GoodInput[] = [
  { title: "only a quota", input: { quota: 1000 } },
  { title: "quota zero", input: { quota: 0 } },
  { title: "quota at the server maximum", input: { quota: MAX_QUOTA } },
  { title: "unlimited", input: { unlimitedQuota: true } },
  {
    title: "everything set",
    input: {
      name: "密".repeat(16),
      quota: 500_000,
      expiresAt: "2099-12-31T23:59:59+08:00",
      models: [" gpt-4o", "claude-3-5-sonnet "],
      allowIps: ["1.2.3.4/32", "10.0.0.0/8", "2001:DB8::/32", "::1"],
      group: "auto",
      crossGroupRetry: true,
      enabled: false,
      adoptKeyId: "12",
    },
  },
  { title: "a 50-byte ASCII name", input: { ...q, name: "n".repeat(50) } },
  { title: "expiry as a date", input: { ...q, expiresAt: "2099-01-01" } },
  { title: "expiry as unix seconds in a string", input: { ...q, expiresAt: "4000000000" } },
  { title: "empty lists", input: { ...q, models: [], allowIps: [] } },
  { title: "group without crossGroupRetry", input: { ...q, group: "vip", crossGroupRetry: false } },
  {
    title: "unknowns everywhere (preview)",
    input: {
      name: UNKNOWN,
      quota: UNKNOWN,
      expiresAt: UNKNOWN,
      models: [UNKNOWN, "gpt-4o"],
      allowIps: UNKNOWN,
      group: UNKNOWN,
      crossGroupRetry: true,
      enabled: UNKNOWN,
      adoptKeyId: UNKNOWN,
    },
  },
];

let emu: RunningEmulator;
let provider: CometApiKeyProvider;
/** The reason each bad row actually got, for the printed catalogue. */
const seen = new Map<string, string>();

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  provider = createCometApiKeyProvider({
    connection: { baseUrl: emu.url, accessToken: emu.accessToken, userId: emu.userId },
  });
});

afterAll(async () => {
  await emu?.close();
});

/** A value as a short, readable cell: NaN and Infinity visible, long strings cut. */
function show(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (value === UNKNOWN) return "<unknown>";
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  if (typeof value === "string") {
    const escaped = JSON.stringify(value).replace(/"04da6b54-80e4-46f7-96ec-b56ff0331ba9"/g, "<unknown>");
    return escaped.length > 40 ? `${escaped.slice(0, 37)}…"` : escaped;
  }
  return JSON.stringify(value);
}

function showInput(input: Record<string, unknown>): string {
  return `{ ${Object.entries(input)
    .map(([k, v]) => `${k}: ${show(v)}`)
    .join(", ")} }`;
}

describe("bad-input catalogue: check refuses before any request", () => {
  it("has at least 35 distinct rows", () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(35);
    expect(new Set(BAD_INPUTS.map((r) => r.title)).size).toBe(BAD_INPUTS.length);
    expect(new Set(BAD_INPUTS.map((r) => showInput(r.input))).size).toBe(BAD_INPUTS.length);
  });

  it.each(BAD_INPUTS)("$title → $property", async (row) => {
    const { failures } = await provider.check({}, { __logicalName: "catalogue", ...row.input });
    expect(failures.length, `no failure for ${showInput(row.input)}`).toBeGreaterThan(0);
    // Exactly the property at fault, not a cascade onto others.
    expect(failures.map((f) => f.property)).toEqual(failures.map(() => row.property));
    const match = failures.find((f) => row.reason.test(f.reason));
    expect(match, `reasons were: ${failures.map((f) => f.reason).join(" | ")}`).toBeDefined();
    for (const f of failures) expect(f.reason).not.toContain(emu.accessToken);
    seen.set(row.title, match?.reason ?? "");
  });

  it.each(GOOD_INPUTS)("good: $title → no failures", async (row) => {
    const { failures, inputs } = await provider.check({}, { __logicalName: "catalogue", ...row.input });
    expect(failures).toEqual([]);
    expect(typeof inputs.name).toBe("string");
  });

  it("made no request to /api/* for the whole table", async () => {
    const counts = await emu.control.requestCounts();
    const apiRoutes = Object.entries(counts).filter(([route]) => / \/api\//.test(route));
    expect(apiRoutes).toEqual([]);
  });

  it("the request counter does count (so the zero above means something)", async () => {
    const client = new CometApiClient({ baseUrl: emu.url, accessToken: emu.accessToken, userId: emu.userId });
    try {
      await client.listKeys({ page: 1, pageSize: 1 });
    } finally {
      await client.close();
    }
    const counts = await emu.control.requestCounts();
    expect(counts["GET /api/token/"]?.total).toBe(1);
  });

  it("prints the catalogue", () => {
    const rows = BAD_INPUTS.map((row, i) => [
      String(i + 1),
      row.title,
      row.property,
      showInput(row.input),
      seen.get(row.title) ?? "(row failed)",
    ]);
    const header = ["#", "bad input", "property", "input", "reason given by check"];
    const caps = [3, 60, 15, 60, 1000];
    const widths = header.map((h, c) =>
      Math.min(caps[c] ?? 1000, Math.max(h.length, ...rows.map((r) => r[c]?.length ?? 0))),
    );
    const cell = (text: string, c: number) => {
      const w = widths[c] ?? text.length;
      return text.length > w ? `${text.slice(0, w - 1)}…` : text.padEnd(w);
    };
    const lines = [header, ...rows].map((r) =>
      r
        .map((text, c) => cell(text, c))
        .join(" │ ")
        .trimEnd(),
    );
    console.log(
      `CometApiKey bad-input catalogue (${BAD_INPUTS.length} rows, all refused by check with no request):\n${lines.join("\n")}`,
    );
    expect(seen.size).toBe(BAD_INPUTS.length);
  });
});
