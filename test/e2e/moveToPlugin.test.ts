/**
 * docs/native-plugin.md, "Moving from `CometApiKey` to the plugin", run as written: a TypeScript
 * (nodejs runtime) project outside the repository, with the built package (`dist/`, packed without
 * build scripts) and `@pulumi/pulumi` installed by npm, the plugin installed from its
 * archive into the project's private PULUMI_HOME, and nothing of ours on PATH but Node itself.
 *
 * A `CometApiKey` is created (`pulumi up`) and used; then the section's steps: its ```sh block
 * builds and packs the generated Node.js SDK in a copy of the clone's `plugin-sdks/nodejs` and installs
 * it into the project; `retainOnDelete: true`, `pulumi up`; the key removed from the program,
 * `pulumi up` (the key stays on the server, the stack forgets it); the section's `pulumi import …`
 * command; the section's TypeScript declaration (its example name and quota replaced by the
 * key's) as the program; `pulumi preview` shows no change, and `pulumi up` changes no resource. The key keeps its id and value, the
 * state holds the value as a secret, and `pulumi destroy` leaves no key.
 *
 * With the import command the docs gave before (`pulumi import cometapi:index:ApiKey <name> <id>`,
 * code generation on), the import exits non-zero on this toolchain's Node language host
 * (`error: method GenerateProgram not implemented`), and so does this test.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator";
import { localBackendEnv, repoRoot } from "../../engine/localEngine";
import { installPluginArchive, pathWithoutOurs } from "../support/pluginArchive";
import { expectNoSecrets } from "../support/secretScan";

const exec = promisify(execFile);
const root = repoRoot();

/** The section of docs/native-plugin.md this test runs. */
function moveSection(): string {
  const page = readFileSync(join(root, "docs", "native-plugin.md"), "utf8");
  const start = page.indexOf("## Moving from `CometApiKey` to the plugin");
  expect(start, "the section of docs/native-plugin.md").toBeGreaterThanOrEqual(0);
  const next = page.indexOf("\n## ", start + 1);
  return page.slice(start, next < 0 ? undefined : next);
}

/** The lines of the section's fenced block labelled `label`, trailing `# comments` dropped. */
function block(section: string, label: string): string[] {
  const body = new RegExp(`^ *\`\`\`${label}\\n([\\s\\S]*?)^ *\`\`\`$`, "m").exec(section)?.[1];
  expect(body, `a \`\`\`${label} block in the section`).toBeDefined();
  const lines = (body ?? "").split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)?.[0].length ?? 0));
  return lines.map((l) => l.slice(indent));
}

/** This process's environment without our COMETAPI_* variables, vitest's own, or npm's script context. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith("COMETAPI_") && !k.startsWith("VITEST") && !k.startsWith("npm_"),
    ),
  );
}

interface StateResource {
  urn: string;
  type: string;
  protect?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

describe("moving a key from CometApiKey to the plugin, as docs/native-plugin.md says", () => {
  it("keeps the key's id and value, previews as no change afterwards, and destroy leaves no key", async () => {
    const section = moveSection();
    const [sdkBuild = "", sdkInstall = "", ...more] = block(section, "sh")
      .map((line) => line.replace(/\s+#.*$/, "").trim())
      .filter((line) => line !== "");
    expect(more, "two commands: build and pack the SDK in the clone, install it in the program").toEqual([]);
    expect(sdkBuild).toMatch(/^cd plugin-sdks\/nodejs && /);
    expect(sdkInstall).toMatch(/^npm install \/path\/to\/pulumi-cometapi\//);
    const importCommand = /`(pulumi import cometapi:index:ApiKey <name> <id>[^`]*)`/.exec(section)?.[1] ?? "";
    expect(importCommand, "the section's `pulumi import` command").not.toBe("");
    const declaration = block(section, "ts").join("\n");
    const resourceName = /new cometapi\.ApiKey\(\s*"([^"]+)"/.exec(declaration)?.[1] ?? "";
    const exampleName = /\bname: "([^"]+)"/.exec(declaration)?.[1] ?? "";
    const exampleQuota = /\bquota: (\d+)/.exec(declaration)?.[1] ?? "";
    expect(
      [resourceName, exampleName, exampleQuota],
      "the declaration's resource name, name, quota",
    ).not.toContain("");

    const emulator = await startEmulator();
    const scratch = mkdtempSync(join(tmpdir(), "cometapi-move-"));
    const clone = join(scratch, "pulumi-cometapi");
    const program = join(scratch, "program");
    const backend = {
      backendDir: join(scratch, "state"),
      pulumiHome: join(scratch, "home"),
      passphrase: "move",
    };
    for (const dir of [program, backend.backendDir, backend.pulumiHome]) mkdirSync(dir, { recursive: true });
    // The clone's generated SDK, as committed (the build writes node_modules, bin/ and the packed file there).
    cpSync(join(root, "plugin-sdks", "nodejs"), join(clone, "plugin-sdks", "nodejs"), { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...cleanEnv(),
      ...localBackendEnv(backend),
      // Node (for the program and npm), and nothing else of ours: the engine finds the plugin only
      // where `pulumi plugin install` put it.
      PATH: [dirname(process.execPath), pathWithoutOurs()].join(delimiter),
      // What a person answers at the prompts of `pulumi up` / `import` / `destroy`.
      PULUMI_SKIP_CONFIRMATIONS: "true",
    };
    const outputs: string[] = [];
    const run = async (command: string, cwd = program) => {
      const { stdout, stderr } = await exec("bash", ["-c", command], {
        cwd,
        env,
        maxBuffer: 64 * 1024 * 1024,
      }).catch((error: { stdout?: string; stderr?: string; code?: number }) => {
        throw new Error(`${command} exited with ${error.code}:\n${error.stdout ?? ""}${error.stderr ?? ""}`);
      });
      outputs.push(stdout + stderr);
      return stdout;
    };
    const stackResources = async () =>
      (JSON.parse(await run("pulumi stack export")) as { deployment: { resources?: StateResource[] } })
        .deployment.resources ?? [];
    const writeProgram = (code: string) => writeFileSync(join(program, "index.ts"), code);
    const stackName = "dev";
    try {
      // A TypeScript project, as `pulumi new typescript` lays it out, with the package installed.
      writeFileSync(join(program, "Pulumi.yaml"), "name: move-to-plugin\nruntime: nodejs\n");
      writeFileSync(
        join(program, "package.json"),
        `${JSON.stringify({ name: "move-to-plugin", private: true, main: "index.ts" }, null, 2)}\n`,
      );
      writeFileSync(
        join(program, "tsconfig.json"),
        `${JSON.stringify({ compilerOptions: { strict: true, target: "es2022", module: "commonjs", moduleResolution: "node", esModuleInterop: true, skipLibCheck: true }, files: ["index.ts"] }, null, 2)}\n`,
      );
      const pulumiVersion = (
        JSON.parse(readFileSync(join(root, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as {
          version: string;
        }
      ).version;
      // The package as the README's Install has it, packed from the built `dist/` (no build scripts:
      // nothing is written into the repository; a folder install would run its `prepare` there).
      const packed = await run(`npm pack --ignore-scripts --json --pack-destination ${scratch}`, root);
      const [tarball] = (JSON.parse(packed.slice(packed.indexOf("["))) as { filename: string }[]).map((p) =>
        join(scratch, p.filename),
      );
      await run(
        `npm install --no-audit --no-fund ${tarball} @pulumi/pulumi@${pulumiVersion} typescript@~5.9 @types/node@^24`,
      );
      const installed = await installPluginArchive(env);
      expect(installed).toMatch(/cometapi\s+resource/);
      await run(`pulumi stack init ${stackName}`);
      await run(`pulumi config set cometapi:baseUrl ${emulator.url}`);
      await run(`pulumi config set --secret cometapi:accessToken ${emulator.accessToken}`);
      await run(`pulumi config set cometapi:userId ${emulator.userId}`);

      // The program before the move: a CometApiKey, created and used.
      const cometApiKey = (options: string) =>
        [
          'import { CometApiKey } from "pulumi-cometapi";',
          "",
          `const backend = new CometApiKey("backend", { quota: 500000, models: ["gpt-4o-mini"] }${options});`,
          "export const backendKeyId = backend.keyId;",
          "export const backendName = backend.name;",
          "export const backendKey = backend.key;",
          "",
        ].join("\n");
      writeProgram(cometApiKey(""));
      expect(await run("pulumi up")).toMatch(/\+ 2 created/);
      const before = JSON.parse(await run("pulumi stack output --json --show-secrets")) as {
        backendKeyId: number;
        backendName: string;
        backendKey: string;
      };
      await emulator.control.chargeKey(before.backendKeyId, 300);
      const [created] = await emulator.control.keys();
      expect(created).toMatchObject({
        id: before.backendKeyId,
        name: before.backendName,
        remain_quota: 499_700,
      });
      expect(before.backendKey).toBe(`sk-${created?.key}`);

      // 1. The generated SDK, built and packed in the clone, installed in the program.
      await run(sdkBuild, clone);
      await run(sdkInstall.replace("/path/to/pulumi-cometapi", clone));
      // 2. retainOnDelete, up.
      writeProgram(cometApiKey(", { retainOnDelete: true }"));
      await run("pulumi up");
      // 3. Removed from the program, up: the stack forgets the key, the server keeps it.
      writeProgram("export {};\n");
      expect(await run("pulumi up")).toMatch(/- 1 deleted/);
      expect((await stackResources()).filter((r) => r.type.endsWith(":CometApiKey"))).toEqual([]);
      expect((await emulator.control.keys()).map((k) => k.id)).toEqual([before.backendKeyId]);
      // 4. The section's import command.
      const filled = importCommand
        .replace("<name>", resourceName)
        .replace("<id>", String(before.backendKeyId));
      expect(await run(filled)).toMatch(/= 1 imported/);
      // 5. The section's declaration, with this key's name and remaining quota.
      writeProgram(
        declaration
          .replace(`"${exampleName}"`, JSON.stringify(created?.name))
          .replace(`quota: ${exampleQuota}`, `quota: ${created?.remain_quota}`),
      );
      const preview = await run("pulumi preview");
      expect(preview).toMatch(/\d+ unchanged/);
      expect(preview).not.toMatch(/to (create|update|replace|delete)/);
      await run("pulumi preview --expect-no-changes");
      // `pulumi up` changes nothing on the key; it records the program's outputs.
      const up = await run("pulumi up");
      expect(up).toMatch(/\d+ unchanged/);
      expect(up).not.toMatch(/\d+ (created|updated|replaced|deleted)/);

      // The same key, with the same value: one key on the server, its value a secret in the state.
      const keys = await emulator.control.keys();
      expect(keys.map((k) => [k.id, k.key])).toEqual([[before.backendKeyId, created?.key]]);
      const after = JSON.parse(await run("pulumi stack output --json --show-secrets")) as {
        backendKeyId: number;
        backendKey: string;
      };
      expect(after).toEqual({ backendKeyId: before.backendKeyId, backendKey: before.backendKey });
      const apiKey = (await stackResources()).find((r) => r.type === "cometapi:index:ApiKey");
      expect(apiKey?.urn).toMatch(new RegExp(`::${resourceName}$`));
      expect(apiKey?.outputs?.key, "the key's value, a secret").toMatchObject({
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      });
      const secrets = { accessToken: emulator.accessToken, keys: [before.backendKey] };
      expectNoSecrets("pulumi stack export", await run("pulumi stack export"), secrets);

      // `pulumi import` protected it (and the declaration keeps that): unprotected to clean up.
      expect(apiKey?.protect).toBe(true);
      await run("pulumi state unprotect --all --yes");
      expect(await run("pulumi destroy")).toMatch(
        new RegExp(`cometapi:index:ApiKey ${resourceName} deleted`),
      );
      expect(await emulator.control.keys()).toEqual([]);
      // The installed plugin ran, not one found on PATH.
      for (const out of outputs) expect(out).not.toContain("using pulumi-resource-cometapi from $PATH");
    } finally {
      await run(`pulumi stack rm --yes --force ${stackName}`).catch(() => undefined);
      rmSync(scratch, { recursive: true, force: true });
      await emulator.close();
    }
  });
});
