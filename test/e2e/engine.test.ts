/**
 * The real Pulumi engine, end to end, on a local file:// backend: an inline program with a dynamic
 * resource (preview → up → preview → refresh → destroy) and a TypeScript program on disk run by
 * the Node language host. These tests fail, never skip, when the `pulumi` CLI is missing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createInlineStack,
  createLocalProgramStack,
  type EngineStack,
  pulumiCliVersion,
  requirePulumiCli,
} from "../support/engine";

/** The provider calls recorded in a log file, one `<op> <detail>` per line. */
function calls(logFile: string): string[] {
  return readFileSync(logFile, "utf8").split("\n").filter(Boolean);
}

describe("Pulumi engine", () => {
  let scratch: string | undefined;

  beforeAll(() => {
    requirePulumiCli();
    expect(pulumiCliVersion()).toMatch(/^v3\.\d+\.\d+/);
    scratch = mkdtempSync(join(tmpdir(), "cometapi-e2e-engine-"));
  });

  afterAll(() => {
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  });

  it("runs an inline program with a dynamic resource through preview, up, refresh and destroy", async () => {
    const logFile = join(scratch!, "inline-calls.log");
    writeFileSync(logFile, "");

    // The provider is serialized into the dynamic-provider plugin process, so it may capture only
    // plain values: `require` inside the methods (vitest's import bindings can't be serialized).
    const provider: pulumi.dynamic.ResourceProvider = {
      async create(inputs: { who: string }): Promise<pulumi.dynamic.CreateResult> {
        const fs: typeof import("node:fs") = require("node:fs");
        fs.appendFileSync(logFile, `create ${inputs.who}\n`);
        return { id: `greeting-${inputs.who}`, outs: { who: inputs.who, text: `hello, ${inputs.who}` } };
      },
      async read(id: string, props: { who: string; text: string }): Promise<pulumi.dynamic.ReadResult> {
        const fs: typeof import("node:fs") = require("node:fs");
        fs.appendFileSync(logFile, `read ${id}\n`);
        return { id, props };
      },
      async delete(id: string): Promise<void> {
        const fs: typeof import("node:fs") = require("node:fs");
        fs.appendFileSync(logFile, `delete ${id}\n`);
      },
    };

    class Greeting extends pulumi.dynamic.Resource {
      declare readonly who: pulumi.Output<string>;
      declare readonly text: pulumi.Output<string>;
      constructor(name: string, who: string) {
        super(provider, name, { who, text: undefined }, {});
      }
    }

    const program = async (): Promise<Record<string, pulumi.Output<string>>> => {
      const greeting = new Greeting("greeting", "world");
      return { id: greeting.id, text: greeting.text };
    };

    const engine: EngineStack = await createInlineStack("cometapi-e2e-inline", program);
    try {
      const preview1 = await engine.stack.preview();
      expect(preview1.changeSummary).toEqual({ create: 2 }); // the stack + the greeting
      expect(calls(logFile)).toEqual([]); // a preview creates nothing

      const up = await engine.stack.up();
      expect(up.summary.result).toBe("succeeded");
      expect(up.summary.resourceChanges).toEqual({ create: 2 });
      expect(up.outputs.id?.value).toBe("greeting-world");
      expect(up.outputs.text?.value).toBe("hello, world");
      expect(calls(logFile)).toEqual(["create world"]);

      const preview2 = await engine.stack.preview();
      expect(preview2.changeSummary).toEqual({ same: 2 });

      const refresh = await engine.stack.refresh();
      expect(refresh.summary.result).toBe("succeeded");
      expect(refresh.summary.resourceChanges).toEqual({ same: 2 });
      expect(calls(logFile)).toEqual(["create world", "read greeting-world"]);

      const destroy = await engine.stack.destroy();
      expect(destroy.summary.result).toBe("succeeded");
      expect(destroy.summary.resourceChanges).toEqual({ delete: 2 });
      expect(calls(logFile)).toEqual(["create world", "read greeting-world", "delete greeting-world"]);

      const state = await engine.stack.exportStack();
      expect(state.deployment.resources ?? []).toEqual([]);
    } finally {
      await engine.cleanup({ destroy: false });
    }
  });

  it("runs a TypeScript program from disk through the Node language host", async () => {
    const logFile = join(scratch!, "local-calls.log");
    writeFileSync(logFile, "");
    const engine = await createLocalProgramStack(join(__dirname, "fixtures", "local-program"), {
      config: { greeting: { value: "bonjour" }, callLog: { value: logFile } },
    });
    try {
      const up = await engine.stack.up();
      expect(up.summary.result).toBe("succeeded");
      expect(up.summary.resourceChanges).toEqual({ create: 2 });
      expect(up.outputs.message?.value).toBe(`bonjour from cometapi-e2e-local-program/${engine.stack.name}`);
      expect(up.outputs.nodeMajor?.value).toBeGreaterThanOrEqual(22);
      expect(up.outputs.noteText?.value).toBe("bonjour, local program");
      expect(calls(logFile)).toEqual(["create local program"]);

      const preview = await engine.stack.preview();
      expect(preview.changeSummary).toEqual({ same: 2 });

      const destroy = await engine.stack.destroy();
      expect(destroy.summary.resourceChanges).toEqual({ delete: 2 });
      expect(calls(logFile)).toEqual(["create local program", "delete note-local program"]);
    } finally {
      await engine.cleanup({ destroy: false });
    }
  });
});
