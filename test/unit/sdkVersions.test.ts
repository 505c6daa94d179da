/**
 * The generated SDKs name the plugin version they were generated for (the package version): the
 * engine then asks for that plugin, the one `pulumi plugin install resource cometapi <version>`
 * installed, instead of whichever it finds.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(__dirname, "..", "..");
const read = (file: string) => readFileSync(join(root, file), "utf8");
const version = (JSON.parse(read("package.json")) as { version: string }).version;

describe("generated SDKs name the plugin version", () => {
  it("schema.json", () => {
    expect((JSON.parse(read("schema.json")) as { version: string }).version).toBe(version);
  });

  it("Node.js: package.json version and pulumi.version", () => {
    const manifest = JSON.parse(read("plugin-sdks/nodejs/package.json")) as {
      version: string;
      pulumi: { version?: string };
    };
    expect(manifest.version).toBe(version);
    expect(manifest.pulumi.version).toBe(version);
  });

  it("Python: setup.py VERSION and pulumi-plugin.json", () => {
    expect(read("plugin-sdks/python/setup.py")).toContain(`VERSION = "${version}"`);
    expect(JSON.parse(read("plugin-sdks/python/pulumi_cometapi/pulumi-plugin.json"))).toMatchObject({
      version,
    });
  });

  it("Go: pulumi-plugin.json and the version every resource and invoke asks for", () => {
    expect(JSON.parse(read("plugin-sdks/go/cometapi/pulumi-plugin.json"))).toMatchObject({ version });
    const utilities = read("plugin-sdks/go/cometapi/internal/pulumiUtilities.go");
    expect(utilities.match(/version := semver\.MustParse\("([^"]+)"\)/g)).toEqual([
      `version := semver.MustParse("${version}")`,
      `version := semver.MustParse("${version}")`,
    ]);
  });
});
