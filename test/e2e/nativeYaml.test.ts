/**
 * The native plugin through the real engine from a Pulumi YAML program (the YAML language host
 * built by scripts/pulumi-yaml-host.sh, on PATH through `npm test`), the plugin installed from its
 * archive (`npm run plugin:archive`, `pulumi plugin install resource cometapi <version> --file
 * <archive>`) with nothing of ours on PATH and no "from $PATH" warning: keys on the default provider
 * (stack config, secret token) and on an explicit `pulumi:providers:cometapi` with its own secret
 * token for a second account, `fn::invoke` of `getApiKeys`; preview, up, usage then refresh with
 * no diff, an update, `pulumi import` of a key made out of band, destroy; the access tokens and
 * key values never in plaintext in state or output.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import { createLocalProgramStack, type EngineStack, emulatorConnection } from "../support/engine";
import { installPluginArchive, pathWithoutOurs, pluginVersion } from "../support/pluginArchive";
import { backendFilesText, expectNoSecrets } from "../support/secretScan";

/** The program: examples/yaml/Pulumi.yaml, copied into a scratch directory. */
const PROGRAM = readFileSync(join(__dirname, "..", "..", "examples", "yaml", "Pulumi.yaml"), "utf8");

describe("native plugin from Pulumi YAML", () => {
  let emu: RunningEmulator;
  let engine: EngineStack;
  let workDir: string;
  let callLog: string;

  beforeAll(async () => {
    emu = await startEmulator({ users: 2 });
    const connection = emulatorConnection(emu);
    const second = emu.users[1];
    if (!second) throw new Error("the emulator has no second user");
    workDir = mkdtempSync(join(tmpdir(), "cometapi-e2e-yaml-"));
    writeFileSync(join(workDir, "Pulumi.yaml"), PROGRAM);
    callLog = join(workDir, "calls.log");
    writeFileSync(callLog, "");
    engine = await createLocalProgramStack(workDir, {
      envVars: {
        ...connection.envVars,
        PATH: pathWithoutOurs(),
        COMETAPI_PLUGIN_CALL_LOG: callLog,
      },
      config: {
        ...connection.config,
        secondToken: { value: second.accessToken, secret: true },
        secondUserId: { value: String(second.userId) },
        baseUrl: { value: emu.url },
      },
    });
    const installed = await installPluginArchive({ ...process.env, ...engine.envVars });
    expect(installed).toMatch(new RegExp(`cometapi\\s+resource\\s+${pluginVersion.replace(/\./g, "\\.")}`));
  });

  afterAll(async () => {
    await engine?.cleanup();
    await emu?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  async function scanState(where: string, extra = ""): Promise<void> {
    // Every file the backend holds (state, backups, history), as written: secrets encrypted.
    const backendDir = fileURLToPath(engine.backendUrl);
    const state = backendFilesText(backendDir);
    expect(state).toContain("cometapi:index:ApiKey");
    const keys = [
      ...(await emu.control.keys(emu.users[0]?.userId)),
      ...(await emu.control.keys(emu.users[1]?.userId)),
    ];
    const secrets = { accessToken: emu.accessToken, keys: keys.map((k) => k.key) };
    expectNoSecrets(`${where} state`, state, secrets);
    expectNoSecrets(`${where} state`, state, { accessToken: emu.users[1]?.accessToken ?? "", keys: [] });
    expectNoSecrets(`${where} output`, extra, secrets);
    expectNoSecrets(`${where} output`, extra, { accessToken: emu.users[1]?.accessToken ?? "", keys: [] });
  }

  it("previews, creates, refreshes after usage with no diff, updates, imports and destroys", async () => {
    const { stack } = engine;
    const first = emu.users[0]!;
    const second = emu.users[1]!;
    const outOfBand = await emu.control.createKeyDirect(first.userId, {
      name: "legacy-1",
      remain_quota: 777,
      unlimited_quota: false,
    });

    // preview: creates only, nothing sent to the service but the lookup's listing.
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ create: 5 });
    expect((await emu.control.keys(first.userId)).length).toBe(1);

    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    const firstKeys = await emu.control.keys(first.userId);
    const secondKeys = await emu.control.keys(second.userId);
    expect(firstKeys.map((k) => k.name).sort()).toEqual(
      [up.outputs.backendName?.value, "legacy-1", "yaml-named"].sort(),
    );
    expect(up.outputs.backendName?.value).toMatch(/^backend-[0-9a-f]{7}$/);
    expect(secondKeys.map((k) => k.name)).toEqual(["second-account-key"]);
    expect(up.outputs.otherKeyId?.value).toBe(secondKeys[0]?.id);
    const backend = firstKeys.find((k) => k.name === up.outputs.backendName?.value)!;
    expect(up.outputs.backendKey?.secret).toBe(true);
    expect(up.outputs.backendKey?.value).toBe(`sk-${backend.key}`);
    expect(up.outputs.backendMasked?.value).toMatch(/^sk-.{4}\*{10}.{4}$/);
    const listed = up.outputs.legacyKeys?.value as { keyId: number; name: string; maskedKey: string }[];
    expect(listed.map((k) => [k.keyId, k.name])).toEqual([[outOfBand.id, "legacy-1"]]);
    expect(JSON.stringify(listed)).not.toContain(outOfBand.key);
    await scanState("after up", up.stdout + up.stderr);

    // usage, then refresh: the allotment is not a mirror, nothing to change afterwards.
    await emu.control.chargeKey(backend.id, 300);
    const refresh = await stack.refresh();
    expect(refresh.summary.result).toBe("succeeded");
    const afterRefresh = await stack.preview();
    expect(afterRefresh.changeSummary).toEqual({ same: 5 });

    // update: a new allotment.
    await stack.setConfig("backendQuota", { value: "2500" });
    const updatePreview = await stack.preview();
    expect(updatePreview.changeSummary).toEqual({ update: 1, same: 4 });
    const updated = await stack.up();
    expect(updated.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(updated.outputs.remaining?.value).toBe(2500);
    expect((await emu.control.keys(first.userId)).find((k) => k.id === backend.id)?.remain_quota).toBe(2500);
    expect(updated.outputs.backendKeyId?.value).toBe(backend.id);

    // models is a set: a reordering is no change (and the state keeps the order written), one more
    // model previews as one addition at its place, not as every shifted position renamed.
    const withModels = (models: string) =>
      writeFileSync(
        join(workDir, "Pulumi.yaml"),
        PROGRAM.replace("models: [gpt-4o-mini, gpt-4o]", `models: [${models}]`),
      );
    const storedModels = async () => {
      const { resources } = (await stack.exportStack()).deployment as {
        resources: { inputs?: { models?: string[]; quota?: number } }[];
      };
      return resources.find((r) => r.inputs?.quota === 2500)?.inputs?.models;
    };
    expect(await storedModels()).toEqual(["gpt-4o-mini", "gpt-4o"]);
    withModels("gpt-4o, gpt-4o-mini");
    const reordered = await stack.up();
    expect(reordered.summary.resourceChanges).toEqual({ same: 5 });
    expect(await storedModels()).toEqual(["gpt-4o", "gpt-4o-mini"]);
    withModels("o1, gpt-4o, gpt-4o-mini");
    const added = await stack.preview({ diff: true });
    expect(added.changeSummary).toEqual({ update: 1, same: 4 });
    expect(added.stdout).toMatch(/\+ \[0\]: "o1"/);
    expect(added.stdout).not.toMatch(/=>/);
    withModels("gpt-4o-mini");
    const removed = await stack.preview({ diff: true });
    expect(removed.stdout).toMatch(/- \[0\]: "gpt-4o"/);
    expect(removed.stdout).not.toMatch(/=>/);
    writeFileSync(join(workDir, "Pulumi.yaml"), PROGRAM);

    // import of the out-of-band key: generated YAML added to the program previews as no change.
    const imported = await stack.import({
      resources: [{ type: "cometapi:index:ApiKey", name: "adopted", id: String(outOfBand.id) }],
      protect: false,
      generateCode: true,
    });
    expect(imported.summary.result).toBe("succeeded");
    expect(imported.generatedCode).toContain("type: cometapi:ApiKey");
    expect(imported.generatedCode).toContain("quota: 777");
    const resourcesBlock = imported.generatedCode.replace(/^resources:\n/m, "");
    writeFileSync(
      join(workDir, "Pulumi.yaml"),
      PROGRAM.replace("outputs:\n", `${resourcesBlock.trimEnd()}\noutputs:\n`),
    );
    const afterImport = await stack.preview();
    expect(afterImport.changeSummary).toEqual({ same: 6 });
    const state = (await stack.exportStack()).deployment as {
      resources: { type: string; outputs?: Record<string, unknown> }[];
    };
    const adopted = state.resources.find(
      (r) => r.type === "cometapi:index:ApiKey" && r.outputs?.name === "legacy-1",
    );
    expect(adopted?.outputs?.key, "the imported key's value is kept as a secret").toMatchObject({
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
    });
    // The owner check ("record not found" under another account is an error, not a deletion)
    // reads these from the state: the engine keeps them though the schema does not list them.
    expect(adopted?.outputs).toMatchObject({ userId: first.userId, baseUrl: emu.url });
    await scanState("after import", imported.stdout + imported.stderr + afterImport.stdout);

    const destroyed = await stack.destroy();
    expect(destroyed.summary.result).toBe("succeeded");
    expect(await emu.control.keys(first.userId)).toEqual([]);
    expect(await emu.control.keys(second.userId)).toEqual([]);
    await scanState("after destroy", destroyed.stdout + destroyed.stderr);
    // The installed plugin ran, not one found on PATH (the engine warns "using … from $PATH").
    for (const out of [preview, up, refresh, updated, reordered, added, imported, destroyed]) {
      expect(out.stdout + out.stderr).not.toContain("using pulumi-resource-cometapi from $PATH");
    }

    const methods = new Set(readFileSync(callLog, "utf8").split("\n").filter(Boolean));
    for (const m of [
      "getPluginInfo",
      "getSchema",
      "checkConfig",
      "configure",
      "check",
      "diff",
      "create",
      "read",
      "update",
      "delete",
      "invoke",
    ]) {
      expect(methods, m).toContain(m);
    }
    console.log(`engine called: ${[...methods].sort().join(", ")}`);
  });
});
