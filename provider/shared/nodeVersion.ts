/**
 * The Node.js floor, checked when the package loads. Older Node versions fail deep inside the
 * HTTP client (undici 8) with an unrelated TypeError; this check fails first and names both
 * versions instead. Imported for its side effect, before anything else, by `provider/index.ts`
 * and `sdk/index.ts`.
 */

/** The lowest Node.js version the package runs on (undici 8's floor); package.json `engines` agrees. */
export const MIN_NODE_VERSION = "22.19.0";

/** Thrown at load time on a Node.js older than {@link MIN_NODE_VERSION}. */
export class UnsupportedNodeVersionError extends Error {
  override readonly name = "UnsupportedNodeVersionError";
  constructor(
    /** The running version, e.g. `20.20.2`. */
    readonly found: string,
    /** The floor, {@link MIN_NODE_VERSION}. */
    readonly required: string = MIN_NODE_VERSION,
  ) {
    super(
      `pulumi-cometapi needs Node.js >= ${required}, but this is Node.js ${found} (${process.execPath}). ` +
        "Install Node.js 22.19 or newer (24 LTS is what it is tested on) and put it first on PATH; " +
        "the Pulumi CLI runs the program and the provider with the first `node` on PATH.",
    );
  }
}

/** True when `version` (`major.minor.patch`) is at least `floor`. */
export function isAtLeast(version: string, floor: string): boolean {
  const parse = (v: string) => v.split(".").map((part) => Number.parseInt(part, 10) || 0);
  const [a, b] = [parse(version), parse(floor)];
  for (let i = 0; i < 3; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff > 0;
  }
  return true;
}

/** Throws {@link UnsupportedNodeVersionError} when the running Node.js is below the floor. */
export function assertSupportedNode(version: string = process.versions.node): void {
  if (!isAtLeast(version, MIN_NODE_VERSION)) throw new UnsupportedNodeVersionError(version);
}

assertSupportedNode();
