/**
 * Refresh and destroy run with the provider configuration recorded at the last `pulumi up`. When
 * that no longer works (here: the service was replaced, so the recorded access token is refused,
 * "invalid access token"), the engine's output says so and what to run, and carries no stack
 * trace. Then what it says to run works: `pulumi destroy --run-program` with the new token.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import type * as sdk from "../../sdk/index";
import { createInlineStack, type EngineStack, emulatorConnection, repoRoot } from "../support/engine";

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

describe("a recorded configuration that no longer works", () => {
  let first: RunningEmulator | undefined;
  let second: RunningEmulator | undefined;
  let engine: EngineStack | undefined;

  afterAll(async () => {
    await engine?.cleanup({ destroy: false });
    await first?.close();
    await second?.close();
  });

  it("refresh and destroy say so, name the commands to run, and print no stack trace (CometApiKey)", async () => {
    first = await startEmulator();
    engine = await createInlineStack(
      "cometapi-recorded",
      async () => ({ keyId: new CometApiKey("svc", { quota: 100 }).keyId }),
      emulatorConnection(first),
    );
    const up = await engine.stack.up();
    expect(up.summary.result).toBe("succeeded");

    // The service the stack was recorded with now refuses the recorded token.
    const port = Number(new URL(first.url).port);
    await first.close();
    first = undefined;
    second = await startEmulator({ port });

    for (const run of [() => engine!.stack.refresh(), () => engine!.stack.destroy()]) {
      const output = await failureOf(run);
      expect(output).toContain("invalid access token");
      expect(output).toContain("recorded at the last `pulumi up`");
      expect(output).toContain("`pulumi destroy --run-program`");
      expect(output, "no stack trace in the engine's output").not.toMatch(STACK_FRAME);
      expect(output).not.toContain(second.accessToken);
    }

    // What the message says to run: the new token in the stack config, destroy running the program.
    await engine.stack.setConfig("cometapi:accessToken", { value: second.accessToken, secret: true });
    await engine.stack.setConfig("cometapi:userId", { value: String(second.userId) });
    const destroyed = await engine.stack.destroy({ runProgram: true });
    expect(destroyed.summary.result).toBe("succeeded");
  });
});
