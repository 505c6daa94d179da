/**
 * IP allowlist entries: parsing and the canonical form used for comparison and for the wire.
 *
 * Canonical form: IPv4 dotted quad, IPv6 compressed lower case (RFC 5952, as WHATWG URL prints
 * it), and a full-length prefix dropped, so `1.2.3.4/32` and `1.2.3.4` are the same entry.
 * A CIDR whose address has host bits set (`10.1.2.3/8`) is refused with the network it probably
 * meant, rather than silently widened or narrowed.
 */
import { isIP } from "node:net";

export type IpEntryResult = { ok: true; canonical: string } | { ok: false; reason: string };

/** Parses one allowlist entry (an address or a CIDR) into its canonical form. */
export function parseIpEntry(entry: string): IpEntryResult {
  const trimmed = entry.trim();
  if (trimmed === "") return { ok: false, reason: "is empty" };
  const slash = trimmed.indexOf("/");
  const address = slash === -1 ? trimmed : trimmed.slice(0, slash);
  const prefixText = slash === -1 ? undefined : trimmed.slice(slash + 1);
  if (address.includes("%"))
    return { ok: false, reason: `"${trimmed}" has an IPv6 zone index (%…), which cannot match` };
  const version = isIP(address);
  if (version === 0) {
    return {
      ok: false,
      reason: `"${trimmed}" is not an IPv4 or IPv6 address or CIDR (e.g. 203.0.113.7, 10.0.0.0/8, 2001:db8::/32)`,
    };
  }
  const bits = version === 4 ? 32 : 128;
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
      return {
        ok: false,
        reason: `"${trimmed}" has prefix length "${prefixText}"; it must be a whole number from 0 to ${bits}`,
      };
    }
    prefix = Number(prefixText);
  }
  const value = version === 4 ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  if ((value & hostMask) !== 0n) {
    const network = formatAddress(value & ~hostMask, version);
    return { ok: false, reason: `"${trimmed}" has host bits set; did you mean ${network}/${prefix}?` };
  }
  const canonicalAddress = formatAddress(value, version);
  return { ok: true, canonical: prefix === bits ? canonicalAddress : `${canonicalAddress}/${prefix}` };
}

/** The canonical form of an entry read from the server; unparseable entries are kept as written. */
export function canonicalIpEntry(entry: string): string {
  const result = parseIpEntry(entry);
  return result.ok ? result.canonical : entry.trim();
}

function ipv4ToBigInt(address: string): bigint {
  return address.split(".").reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

function ipv6ToBigInt(address: string): bigint {
  // WHATWG URL parsing normalises every IPv6 spelling (embedded IPv4 included) to 8 hex groups
  // with at most one "::"; expand that back to 8 groups.
  const host = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head = "", tail] = host.split("::");
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === undefined || tail === "" ? [] : tail.split(":");
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(missing).fill("0"), ...tailGroups];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}

function formatAddress(value: bigint, version: 4 | 6 | number): string {
  if (version === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
  }
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((value >> shift) & 0xffffn).toString(16));
  return new URL(`http://[${groups.join(":")}]/`).hostname.slice(1, -1);
}
