/**
 * The documented commands, run: every `pulumi …` line of the blocks of README.md and docs/, in order,
 * from the repository root (the quickstart) against a fresh emulator, with only the placeholders
 * filled in (`<token>`, the base URL, the user id); `npm run plugin:archive` runs where it stands,
 * before the `pulumi plugin install` of its archive (into this test's own PULUMI_HOME). Then, on the same
 * stack, the `pulumi …` commands the docs write inline in their prose (INLINE_PULUMI_COMMANDS, in a
 * deliberate order, not the document's). And `npm run test:live` without a token
 * refuses to run. See test/unit/readme.test.ts for the table of every other command.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator";
import { localBackendEnv, repoRoot } from "../../engine/localEngine";
import { pluginVersion } from "../support/pluginArchive";
import { INLINE_PULUMI_COMMANDS, readmeCommands } from "../unit/readmeCommands";

const exec = promisify(execFile);

/** This process's environment without our COMETAPI_* connection variables or vitest's own. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("COMETAPI_") && !k.startsWith("VITEST")),
  );
}

describe("README commands, run", () => {
  it("runs every `pulumi …` command of the README in order against the emulator", async () => {
    const root = repoRoot();
    // The plugin archive is built as the docs say before its `pulumi plugin install` runs.
    const commands = readmeCommands(root).filter(
      (c) => c.startsWith("pulumi ") || c === "npm run plugin:archive",
    );
    expect(commands.length).toBeGreaterThan(5);
    const emulator = await startEmulator();
    const scratch = mkdtempSync(join(tmpdir(), "cometapi-readme-"));
    const stackName = `readme-${Date.now().toString(36)}`;
    const backend = {
      backendDir: join(scratch, "state"),
      pulumiHome: join(scratch, "home"),
      passphrase: "readme",
    };
    for (const dir of [backend.backendDir, backend.pulumiHome]) mkdirSync(dir);
    const env: NodeJS.ProcessEnv = {
      ...cleanEnv(),
      ...localBackendEnv(backend),
      // What a person answers at the prompts of `pulumi up` / `refresh` / `destroy`.
      PULUMI_SKIP_CONFIRMATIONS: "true",
    };
    const fill = (command: string) =>
      command
        .replace("<token>", emulator.accessToken)
        .replace("https://api.cometapi.com", emulator.url)
        .replace(/cometapi:userId \d+$/, `cometapi:userId ${emulator.userId}`);
    const run = async (command: string, cwd = root) =>
      (
        await exec("bash", ["-c", command], { cwd, env, maxBuffer: 16 * 1024 * 1024 }).catch(
          (error: { stdout?: string; stderr?: string }) => {
            throw new Error(`${command} failed:\n${error.stdout ?? ""}${error.stderr ?? ""}`);
          },
        )
      ).stdout;
    // `pulumi import` writes the resource's code in the project's language; the TypeScript language
    // host of this toolchain cannot (GenerateProgram is not implemented), so the import runs as a YAML
    // user would run it (docs/native-plugin.md), in an empty YAML project with the same connection.
    const yamlProject = join(scratch, "yaml");
    mkdirSync(yamlProject);
    writeFileSync(join(yamlProject, "Pulumi.yaml"), "name: readme-import\nruntime: yaml\n");
    try {
      await run(`pulumi stack init ${stackName}`);
      const out = new Map<string, string>();
      for (const command of commands) {
        const filled = fill(command);
        expect(filled, "an unfilled placeholder").not.toMatch(/<[a-z-]+>/);
        out.set(command, await run(filled));
      }
      const installed = await run("pulumi plugin ls");
      expect(installed, "the plugin archive installed").toMatch(
        new RegExp(`cometapi\\s+resource\\s+${pluginVersion.replace(/\./g, "\\.")}`),
      );
      expect(out.get("pulumi preview")).toMatch(/\+ 3 to create/);
      expect(out.get("pulumi up")).toMatch(/\+ 3 created/);
      const masked = out.get("pulumi stack output backendMaskedKey")?.trim() ?? "";
      expect(masked).toMatch(/^sk-\w{4}\*{10}\w{4}$/);
      const key = out.get("pulumi stack output backendKey --show-secrets")?.trim() ?? "";
      expect(key).toMatch(/^sk-[0-9A-Za-z]{48}$/);
      expect(`${key.slice(0, 7)}**********${key.slice(-4)}`).toBe(masked);
      expect(out.get("pulumi refresh")).toMatch(/3 unchanged/);
      expect(out.get("pulumi destroy")).toMatch(/- 3 deleted/);
      // The guardrails example: every policy advisory, so the quickstart's findings are reported, nothing fails.
      const policy =
        [...out.entries()].find(([c]) => c.startsWith("pulumi preview --policy-pack"))?.[1] ?? "";
      expect(policy).toMatch(
        /- \[advisory\]\s+cometapi-no-unlimited-quota\s+\(pulumi-nodejs:dynamic\/cometapi:CometApiKey: batch\)/,
      );
      expect(policy).toMatch(/\+ 3 to create/);
      expect(await emulator.control.keys()).toEqual([]);

      // The inline commands, each run as written with its placeholders filled: `<urn>` is the
      // `backend` key's URN, `<id>` the user id in the configuration and that key's id in the import.
      const backend = async () => {
        const state = JSON.parse(await run("pulumi stack export")) as {
          deployment: { resources?: { urn: string; outputs?: { keyId?: unknown } }[] };
        };
        const found = state.deployment.resources?.find((r) => r.urn.endsWith("::backend"));
        return found === undefined ? undefined : { urn: found.urn, keyId: String(found.outputs?.keyId) };
      };
      let keyId = "";
      const inline = new Map<string, string>();
      for (const command of INLINE_PULUMI_COMMANDS) {
        let filled = command;
        if (filled.includes("<urn>")) {
          const found = await backend();
          expect(found, `the backend key before ${command}`).toBeDefined();
          keyId = found?.keyId ?? "";
          filled = filled.replace("<urn>", found?.urn ?? "");
        }
        const id = command.includes("cometapi:userId") ? String(emulator.userId) : keyId;
        filled = filled.replace("<id>", id).replace("<name>", "imported");
        expect(filled, "an unfilled placeholder").not.toMatch(/<[a-z-]+>/);
        if (!command.startsWith("pulumi import ")) {
          inline.set(command, await run(filled));
          continue;
        }
        await run(`pulumi stack init ${stackName}`, yamlProject);
        await run(`pulumi config set --secret cometapi:accessToken ${emulator.accessToken}`, yamlProject);
        await run(`pulumi config set cometapi:baseUrl ${emulator.url}`, yamlProject);
        await run(`pulumi config set cometapi:userId ${emulator.userId}`, yamlProject);
        inline.set(command, await run(filled, yamlProject));
        // `pulumi import` protects what it imports.
        await run("pulumi state unprotect --all --yes", yamlProject);
        expect(await run("pulumi destroy", yamlProject), "the imported key, deleted").toMatch(
          /cometapi:index:ApiKey imported deleted/,
        );
      }
      expect(inline.get("pulumi preview --diff")).toMatch(/\+ 3 to create/);
      expect(inline.get("pulumi up --parallel 100")).toMatch(/\+ 3 created/);
      expect(inline.get("pulumi up --replace <urn>")).toMatch(/\+-1 replaced/);
      expect(inline.get("pulumi refresh --run-program")).toMatch(/3 unchanged/);
      expect(inline.get("pulumi import cometapi:index:ApiKey <name> <id>")).toMatch(/= 1 imported/);
      expect(inline.get("pulumi destroy --run-program")).toMatch(/- 2 deleted/);
      expect(await emulator.control.keys()).toEqual([]);
    } finally {
      await run(`pulumi stack rm --yes --force ${stackName}`).catch(() => undefined);
      await run(`pulumi stack rm --yes --force ${stackName}`, yamlProject).catch(() => undefined);
      rmSync(join(root, `Pulumi.${stackName}.yaml`), { force: true });
      rmSync(scratch, { recursive: true, force: true });
      await emulator.close();
    }
  });

  it("`npm run test:live` refuses to run without COMETAPI_ACCESS_TOKEN", async () => {
    // What `npm run test:live` runs after building (scripts/run.sh test:live).
    const result = await exec("npx", ["vitest", "run", "--project", "live"], {
      cwd: repoRoot(),
      env: { ...cleanEnv(), COMETAPI_ACCESS_TOKEN: "" },
    }).then(
      () => ({ failed: false, output: "" }),
      (error: { stdout?: string; stderr?: string }) => ({
        failed: true,
        output: `${error.stdout ?? ""}${error.stderr ?? ""}`,
      }),
    );
    expect(result.failed).toBe(true);
    expect(result.output).toMatch(/need COMETAPI_ACCESS_TOKEN/);
  });
});
