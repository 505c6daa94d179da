/**
 * The SDKs generated from schema.json (committed in plugin-sdks/): no drift from what tools/sdkgen makes
 * of the committed schema, and each compiles: Node.js with `tsc`, Python with
 * `python3 -m compileall`, Go with `go build`. (.NET: pkg/v3 has no C# generator any more and
 * this machine has no .NET compiler; no .NET SDK is generated.)
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/engine";

const root = repoRoot();
const scratch = mkdtempSync(join(tmpdir(), "cometapi-sdks-"));
const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  execFileSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: "utf8", stdio: "pipe" });
const goEnv = { GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod", CGO_ENABLED: "0" };

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("generated SDKs", () => {
  it("are what schema.json generates (scripts/sdkgen.sh --check)", () => {
    const out = execFileSync("bash", [join(root, "scripts", "sdkgen.sh"), "--check"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(out).toBe("");
  });

  it("Node.js compiles with tsc", () => {
    const dir = join(scratch, "nodejs");
    cpSync(join(root, "plugin-sdks", "nodejs"), dir, { recursive: true });
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
    run(
      process.execPath,
      [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"],
      dir,
    );
    expect(run("ls", ["bin"], dir)).toContain("apiKey.js");
  });

  it("Python compiles with python3 -m compileall", () => {
    const dir = join(scratch, "python");
    cpSync(join(root, "plugin-sdks", "python"), dir, { recursive: true });
    run("python3", ["-m", "compileall", "-q", "pulumi_cometapi"], dir);
    expect(
      run(
        "python3",
        ["-c", "import ast,sys; ast.parse(open('pulumi_cometapi/api_key.py').read()); print('ok')"],
        dir,
      ),
    ).toBe("ok\n");
  });

  it("Go builds with go build", () => {
    const dir = join(scratch, "go");
    cpSync(join(root, "plugin-sdks", "go", "cometapi"), dir, { recursive: true });
    run("go", ["mod", "tidy"], dir, goEnv);
    run("go", ["build", "./..."], dir, goEnv);
  });
});
