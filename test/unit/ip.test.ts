/** `parseIpEntry` / `canonicalIpEntry`: allowlist entries and their canonical form. */
import { describe, expect, it } from "vitest";
import { canonicalIpEntry, parseIpEntry } from "../../provider/shared/ip";

function canonical(entry: string): string {
  const result = parseIpEntry(entry);
  if (!result.ok) throw new Error(`expected ${entry} to parse: ${result.reason}`);
  return result.canonical;
}

function reason(entry: string): string {
  const result = parseIpEntry(entry);
  if (result.ok) throw new Error(`expected ${entry} to be refused, got ${result.canonical}`);
  return result.reason;
}

describe("IPv4", () => {
  it.each([
    ["1.2.3.4", "1.2.3.4"],
    ["1.2.3.4/32", "1.2.3.4"],
    [" 1.2.3.4/32 ", "1.2.3.4"],
    ["10.0.0.0/8", "10.0.0.0/8"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["192.168.1.128/25", "192.168.1.128/25"],
    ["10.0.0.0/08", "10.0.0.0/8"],
  ])("%j → %j", (entry, expected) => {
    expect(canonical(entry)).toBe(expected);
  });

  it("treats 1.2.3.4 and 1.2.3.4/32 as the same entry", () => {
    expect(canonical("1.2.3.4")).toBe(canonical("1.2.3.4/32"));
  });

  it.each([
    ["10.1.2.3/8", "10.0.0.0/8"],
    ["192.168.1.77/24", "192.168.1.0/24"],
    ["1.2.3.4/0", "0.0.0.0/0"],
    ["172.16.5.4/12", "172.16.0.0/12"],
  ])("refuses %j (host bits set) and suggests %s", (entry, network) => {
    expect(reason(entry)).toBe(`"${entry}" has host bits set; did you mean ${network}?`);
  });

  it.each([
    ["300.1.1.1", /not an IPv4 or IPv6 address or CIDR/],
    ["1.2.3", /not an IPv4 or IPv6/],
    ["01.2.3.4", /not an IPv4 or IPv6/],
    ["example.com", /not an IPv4 or IPv6/],
    ["1.2.3.4/33", /prefix length "33".*0 to 32/],
    ["1.2.3.4/", /prefix length ""/],
    ["1.2.3.4/-1", /prefix length "-1"/],
    ["1.2.3.4/8.0", /prefix length "8\.0"/],
    ["1.2.3.4 - 1.2.3.9", /not an IPv4 or IPv6/],
    ["", /is empty/],
    ["   ", /is empty/],
  ])("refuses %j", (entry, expected) => {
    expect(reason(entry)).toMatch(expected);
  });
});

describe("IPv6", () => {
  it.each([
    ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
    ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["2001:db8::1/128", "2001:db8::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["::1", "::1"],
    ["::", "::"],
    ["::/0", "::/0"],
    ["2001:DB8::/32", "2001:db8::/32"],
    ["fe80::/10", "fe80::/10"],
    ["::ffff:1.2.3.4", "::ffff:102:304"],
  ])("%j → %j", (entry, expected) => {
    expect(canonical(entry)).toBe(expected);
  });

  it("compares differently written equal addresses as equal", () => {
    expect(canonical("2001:db8:0::1")).toBe(canonical("2001:DB8::0:1"));
  });

  it.each([
    ["2001:db8::1/64", "2001:db8::/64"],
    ["fe80::1/10", "fe80::/10"],
  ])("refuses %j (host bits set) and suggests %s", (entry, network) => {
    expect(reason(entry)).toBe(`"${entry}" has host bits set; did you mean ${network}?`);
  });

  it.each([
    ["fe80::1%eth0", /zone index/],
    ["2001:db8::1::2", /not an IPv4 or IPv6/],
    ["2001:db8:::1", /not an IPv4 or IPv6/],
    ["12345::1", /not an IPv4 or IPv6/],
    ["[2001:db8::1]", /not an IPv4 or IPv6/],
    ["2001:db8::/129", /prefix length "129".*0 to 128/],
    ["gggg::1", /not an IPv4 or IPv6/],
  ])("refuses %j", (entry, expected) => {
    expect(reason(entry)).toMatch(expected);
  });
});

describe("canonicalIpEntry (entries read from the server)", () => {
  it("canonicalises what parses and keeps the rest as written (trimmed)", () => {
    expect(canonicalIpEntry("1.2.3.4/32")).toBe("1.2.3.4");
    expect(canonicalIpEntry("2001:DB8::1")).toBe("2001:db8::1");
    expect(canonicalIpEntry(" garbage ")).toBe("garbage");
    expect(canonicalIpEntry("10.1.2.3/8")).toBe("10.1.2.3/8");
  });
});
