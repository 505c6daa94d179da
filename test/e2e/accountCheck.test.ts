/**
 * Check knows the account, through the real engine and both front doors (the TypeScript
 * `CometApiKey` and Pulumi YAML through the native plugin), on the default server profile:
 * - `pulumi preview` of a program with a model typo fails, and the engine's output names the
 *   field, the id and the suggestion; nothing is written;
 * - against an older server without the account routes, the same preview succeeds with one
 *   warning in the engine's output (local checks only).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import type * as sdk from "../../sdk/index";
import { createInlineStack, type EngineStack, emulatorConnection, repoRoot } from "../support/engine";
import { createArchivePluginStack } from "../support/pluginArchive";

const { CometApiKey } = createRequire(join(repoRoot(), "package.json"))("./dist/sdk/index.js") as typeof sdk;

const TYPO = "gpt-4o-mnii";
const SAYS =
  /models\[1\] "gpt-4o-mnii" is not a model this account may use in group "vip"; did you mean "gpt-4o-mini"\?/;

const YAML_PROGRAM = `name: cometapi-account-yaml
runtime: yaml
resources:
  backend:
    type: cometapi:index:ApiKey
    properties:
      quota: 1000
      group: vip
      models: [gpt-4o, ${TYPO}]
`;

describe.each(["typescript", "yaml"] as const)("through the %s front door", (door) => {
  let emu: RunningEmulator;
  let engine: EngineStack;
  let workDir: string | undefined;

  beforeAll(async () => {
    emu = await startEmulator();
    const connection = emulatorConnection(emu);
    if (door === "typescript") {
      engine = await createInlineStack(
        "cometapi-account",
        async () => {
          const backend = new CometApiKey("backend", {
            quota: 1_000,
            group: "vip",
            models: ["gpt-4o", TYPO],
          });
          return { id: backend.keyId };
        },
        connection,
      );
    } else {
      workDir = mkdtempSync(join(tmpdir(), "cometapi-e2e-account-"));
      writeFileSync(join(workDir, "Pulumi.yaml"), YAML_PROGRAM);
      engine = await createArchivePluginStack(workDir, connection);
    }
  });

  afterAll(async () => {
    await engine?.cleanup();
    await emu?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("preview fails on a model typo, naming the field, the id and the suggestion", async () => {
    await emu.control.resetCounts();
    const error = await engine.stack.preview().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toMatch(SAYS);
    expect(String((error as Error).message)).not.toContain(emu.accessToken);
    const counts = await emu.control.requestCounts();
    expect(Object.keys(counts).filter((route) => !route.startsWith("GET "))).toEqual([]);
    expect(counts["GET /api/user/models"]?.total).toBe(1);
    expect(await emu.control.keys()).toEqual([]);
  });

  it("against a server without the account routes: the preview goes on with one warning", async () => {
    await emu.control.setSwitches({ accountRoutes: false });
    try {
      let output = "";
      const preview = await engine.stack.preview({ onOutput: (text) => (output += text) });
      expect(preview.changeSummary.create).toBe(2); // the stack and the key
      // Once, in the Diagnostics summary (the progress lines show it as it happens too).
      const diagnostics = output.slice(output.indexOf("Diagnostics:"));
      expect(
        diagnostics.match(/warning: cometapi: could not read which models and groups this account may use/g),
      ).toHaveLength(1);
      expect(output).not.toContain(emu.accessToken);
    } finally {
      await emu.control.setSwitches({ accountRoutes: true });
    }
  });
});
