/**
 * On a Node.js below the floor, loading the package fails with both versions named, not with an
 * unrelated TypeError from deep inside undici. A child process runs the BUILT package (`dist/`,
 * as installed) with `process.versions.node` pretended to be 20.20.2 before anything loads.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { isAtLeast, MIN_NODE_VERSION } from "../../../provider/shared/nodeVersion";
import { repoRoot } from "../../support/engine";

const exec = promisify(execFile);
const pretend = 'Object.defineProperty(process.versions, "node", { value: "20.20.2" });';

async function loadOnOldNode(script: string): Promise<string> {
  const result = await exec(process.execPath, ["-e", `${pretend}\n${script}`], { cwd: repoRoot() }).then(
    () => "loaded without an error",
    (error: { stderr?: string }) => error.stderr ?? "",
  );
  return result;
}

describe("Node.js floor", () => {
  it("agrees with package.json engines", async () => {
    const { engines } = (await import(join(repoRoot(), "package.json"))) as { engines: { node: string } };
    expect(`>=${MIN_NODE_VERSION.replace(/\.0$/, "")}`).toBe(engines.node);
  });

  it("compares versions part by part", () => {
    expect(isAtLeast("22.19.0", "22.19.0")).toBe(true);
    expect(isAtLeast("24.9.0", "22.19.0")).toBe(true);
    expect(isAtLeast("22.18.9", "22.19.0")).toBe(false);
    expect(isAtLeast("20.20.2", "22.19.0")).toBe(false);
    expect(isAtLeast("22.100.0", "22.19.0")).toBe(true);
  });

  it.each([
    ["the provider", 'require("./dist/provider")'],
    ["the SDK", 'require("./dist/sdk")'],
    [
      "the serialized loader's call",
      'require("./dist/sdk/providerLoader").cometApiKeyProviderLoader.check({}, {}).catch((e) => { console.error(e.message); process.exit(1); })',
    ],
  ])("loading %s names the Node.js found and the one needed", async (_what, script) => {
    const stderr = await loadOnOldNode(script);
    expect(stderr).toContain(
      `pulumi-cometapi needs Node.js >= ${MIN_NODE_VERSION}, but this is Node.js 20.20.2`,
    );
    expect(stderr).not.toMatch(/is the package installed|reading 'bind'/);
  });
});
