/**
 * Refresh and destroy run with the provider configuration recorded at the last `pulumi up`. When
 * that no longer works (here: the service was replaced, so the recorded access token is refused,
 * "invalid access token"), the engine's output says so and what to run, and carries no stack
 * trace, through both front doors. Then what it says to run works: `pulumi destroy --run-program`
 * with the new token.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import type * as sdk from "../../sdk/index";
import { createInlineStack, type EngineStack, emulatorConnection, repoRoot } from "../support/engine";
import { createArchivePluginStack } from "../support/pluginArchive";

const { CometApiKey } = createRequire(join(repoRoot(), "package.json"))("./dist/sdk/index.js") as typeof sdk;

/** A JavaScript stack frame as Node prints it: `    at fn (file.js:1:2)` or `    at file.js:1:2`. */
const STACK_FRAME = /^\s*at (?:.+ \()?(?:node:|file:|\/|[A-Za-z]:\\|<anonymous>).*:\d+:\d+\)?$/m;

/** What a failed Automation API command printed: its message holds stdout and stderr. */
async function failureOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error("expected the command to fail");
}

/**
 * Up against one emulator, then the service replaced by another on the same port (the recorded
 * token is refused there): refresh and destroy fail with the hint and no trace; then destroy with
 * `--run-program` and the new token succeeds.
 */
async function recordedConfigurationScenario(
  makeStack: (emu: RunningEmulator) => Promise<EngineStack>,
  cleanup: (stack: EngineStack | undefined) => void,
): Promise<void> {
  let first: RunningEmulator | undefined = await startEmulator();
  let second: RunningEmulator | undefined;
  let engine: EngineStack | undefined;
  try {
    engine = await makeStack(first);
    cleanup(engine);
    const up = await engine.stack.up();
    expect(up.summary.result).toBe("succeeded");

    const port = Number(new URL(first.url).port);
    await first.close();
    first = undefined;
    second = await startEmulator({ port });

    const stack = engine.stack;
    for (const run of [() => stack.refresh(), () => stack.destroy()]) {
      const output = await failureOf(run);
      expect(output).toContain("invalid access token");
      expect(output).toContain("recorded at the last `pulumi up`");
      expect(output).toContain("`pulumi destroy --run-program`");
      expect(output, "no stack trace in the engine's output").not.toMatch(STACK_FRAME);
      expect(output).not.toContain(second.accessToken);
    }

    // What the message says to run: the new token in the stack config, destroy running the program.
    await stack.setConfig("cometapi:accessToken", { value: second.accessToken, secret: true });
    await stack.setConfig("cometapi:userId", { value: String(second.userId) });
    const destroyed = await stack.destroy({ runProgram: true });
    expect(destroyed.summary.result).toBe("succeeded");
  } finally {
    await first?.close();
    await second?.close();
  }
}

describe("a recorded configuration that no longer works", () => {
  const stacks: EngineStack[] = [];
  const keep = (stack: EngineStack | undefined) => {
    if (stack) stacks.push(stack);
  };

  afterAll(async () => {
    for (const stack of stacks) await stack.cleanup({ destroy: false });
  });

  it("refresh and destroy say so, name the commands to run, and print no stack trace (CometApiKey)", async () => {
    await recordedConfigurationScenario(
      (emu) =>
        createInlineStack(
          "cometapi-recorded",
          async () => ({ keyId: new CometApiKey("svc", { quota: 100 }).keyId }),
          emulatorConnection(emu),
        ),
      keep,
    );
  });

  it("the same through the native plugin, installed from its archive (Pulumi YAML)", async () => {
    const workDir = mkdtempSync(join(tmpdir(), "cometapi-recorded-yaml-"));
    writeFileSync(
      join(workDir, "Pulumi.yaml"),
      "name: cometapi-recorded-yaml\nruntime: yaml\nresources:\n  svc:\n    type: cometapi:index:ApiKey\n" +
        "    properties:\n      quota: 100\n",
    );
    let engine: EngineStack | undefined;
    try {
      await recordedConfigurationScenario(async (emu) => {
        const connection = emulatorConnection(emu);
        engine = await createArchivePluginStack(workDir, connection);
        return engine;
      }, keep);
    } finally {
      // The stack is removed while its project folder exists (`pulumi stack rm` runs there).
      await engine?.cleanup({ destroy: false });
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});
