/**
 * The native plugin from Go: examples/go (an Automation API inline program on the generated Go SDK
 * in plugin-sdks/go) built with `go build`, the plugin installed from its archive with `pulumi plugin
 * install resource cometapi <version> --file <archive>` and nothing of ours on PATH, run against the emulator through the real engine: up,
 * usage then refresh and a preview with no change, an update of the quota, destroy; the access
 * token and key values never in plaintext in the backend's files or the output.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import { repoRoot } from "../support/engine";
import { installPluginArchive, pathWithoutOurs, pluginVersion } from "../support/pluginArchive";
import { backendFilesText, expectNoSecrets } from "../support/secretScan";

describe("native plugin from Go (Automation API, generated Go SDK)", () => {
  let emu: RunningEmulator;
  let scratch: string;
  let binary: string;
  let env: NodeJS.ProcessEnv;
  let output = "";

  beforeAll(async () => {
    emu = await startEmulator();
    scratch = mkdtempSync(join(tmpdir(), "cometapi-e2e-go-"));
    binary = join(scratch, "cometapi-go-example");
    execFileSync("go", ["build", "-o", binary, "."], {
      cwd: join(repoRoot(), "examples", "go"),
      env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod", CGO_ENABLED: "0" },
      stdio: "pipe",
    });
    const backend = join(scratch, "state");
    mkdirSync(backend);
    mkdirSync(join(scratch, "home"));
    env = {
      ...process.env,
      // The plugin from Pulumi's plugin cache (`pulumi plugin install … --file <archive>`) only.
      PATH: pathWithoutOurs(),
      PULUMI_BACKEND_URL: `file://${backend}`,
      PULUMI_CONFIG_PASSPHRASE: "test-passphrase",
      PULUMI_HOME: join(scratch, "home"),
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_STACK: "e2e",
      COMETAPI_ACCESS_TOKEN: emu.accessToken,
      COMETAPI_BASE_URL: emu.url,
      COMETAPI_USER_ID: String(emu.userId),
    };
    const installed = await installPluginArchive(env);
    expect(installed).toMatch(new RegExp(`cometapi\\s+resource\\s+${pluginVersion.replace(/\./g, "\\.")}`));
  });

  afterAll(async () => {
    // Whatever a failed run left behind.
    if (binary && env) await example("destroy").catch(() => undefined);
    await emu?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** Runs the example asynchronously: the emulator answers from this process's event loop. */
  async function example(action: string, extra: NodeJS.ProcessEnv = {}): Promise<unknown> {
    const { stdout } = await promisify(execFile)(binary, [action], {
      env: { ...env, ...extra },
      encoding: "utf8",
    });
    output += stdout;
    return JSON.parse(stdout.trim().split("\n").at(-1) ?? "null");
  }

  it("goes through up, refresh after usage with no diff, an update and destroy", async () => {
    const legacy = await emu.control.createKeyDirect(emu.userId, { name: "legacy-go", remain_quota: 9 });
    const up = (await example("up")) as { outputs: Record<string, unknown>; changes: Record<string, number> };
    expect(up.changes).toEqual({ create: 3 });
    expect(up.outputs.backendKey).toBe("[secret]");
    expect(up.outputs.backendName).toMatch(/^backend-[0-9a-f]{7}$/);
    expect(up.outputs.legacyIds).toEqual([legacy.id]);
    expect(up.outputs.remaining).toBe(1000);
    const keys = await emu.control.keys(emu.userId);
    expect(keys.map((k) => k.name).sort()).toEqual([up.outputs.backendName, "go-named", "legacy-go"].sort());

    await emu.control.chargeKey(up.outputs.backendKeyId as number, 250);
    await example("refresh");
    expect(await example("preview")).toEqual({ same: 3 });

    const updated = (await example("up", { BACKEND_QUOTA: "4000" })) as {
      outputs: Record<string, unknown>;
      changes: Record<string, number>;
    };
    expect(updated.changes).toEqual({ update: 1, same: 2 });
    expect(updated.outputs.remaining).toBe(4000);

    const secrets = {
      accessToken: emu.accessToken,
      keys: (await emu.control.keys(emu.userId)).map((k) => k.key),
    };
    const backendDir = join(scratch, "state");
    const state = backendFilesText(backendDir);
    expect(state).toContain("cometapi:index:ApiKey");
    expectNoSecrets("Go example state", state, secrets);

    expect(await example("destroy")).toEqual({ delete: 3 });
    expect((await emu.control.keys(emu.userId)).map((k) => k.name)).toEqual(["legacy-go"]);
    expectNoSecrets("Go example output", output, secrets);
    expect(output, "the installed plugin ran").not.toContain("using pulumi-resource-cometapi from $PATH");
  });
});
