/**
 * `retireAfter` through the native plugin from a Pulumi YAML program (the plugin installed from
 * its archive, nothing of ours on PATH), replaced with `pulumi up --replace` — the path where the
 * engine does not even call the provider's diff: the old key keeps working through the grace,
 * the next up lists it in `retiredKeys`, the server refuses it once the grace is over (emulator
 * clock moved), and the up after that deletes it. A destroy during no grace deletes at once.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import { type EngineStack, emulatorConnection } from "../support/engine";
import { createArchivePluginStack } from "../support/pluginArchive";

const PROGRAM = `name: cometapi-retire-yaml
runtime: yaml
resources:
  api:
    type: cometapi:index:ApiKey
    properties:
      name: yaml-retiring
      quota: 100000
      models: [gpt-4o-mini]
      retireAfter: 24h
outputs:
  keyId: \${api.keyId}
  key: \${api.key}
  retiredKeys: \${api.retiredKeys}
`;

const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace(".000", "");

describe("retireAfter through the native plugin (YAML)", () => {
  let emu: RunningEmulator;
  let engine: EngineStack;
  let workDir: string;

  beforeAll(async () => {
    emu = await startEmulator();
    const connection = emulatorConnection(emu);
    workDir = mkdtempSync(join(tmpdir(), "cometapi-e2e-retire-yaml-"));
    writeFileSync(join(workDir, "Pulumi.yaml"), PROGRAM);
    engine = await createArchivePluginStack(workDir, connection);
  });

  afterAll(async () => {
    await engine?.cleanup();
    await emu?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  async function chat(key: string): Promise<number> {
    const res = await fetch(`${emu.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
    });
    await res.arrayBuffer();
    return res.status;
  }

  it("retires the key replaced by --replace, lists it, lets it expire, then deletes it", async () => {
    const { stack } = engine;
    const first = await stack.up();
    const oldId = first.outputs.keyId?.value as number;
    const oldKey = first.outputs.key?.value as string;
    const urn = (await stack.exportStack()).deployment.resources.find(
      (r: { type: string }) => r.type === "cometapi:index:ApiKey",
    )?.urn as string;

    const replaced = await stack.up({ replace: [urn] });
    const newId = replaced.outputs.keyId?.value as number;
    const newKey = replaced.outputs.key?.value as string;
    expect(newId).not.toBe(oldId);
    // (The plugin's log line does not reach the engine's output: a native plugin's stderr is shown
    // only at a higher verbosity. The server shows the retirement: the marker and the moved expiry.)
    const retired = (await emu.control.keys()).find((k) => k.id === oldId);
    expect(retired?.name).toBe(`yaml-retiring~r${newId}`);
    const now = await emu.control.now();
    expect(retired?.expired_time).toBeGreaterThan(now + 24 * 3_600 - 60);
    expect(retired?.expired_time).toBeLessThanOrEqual(now + 24 * 3_600);
    expect(await chat(oldKey)).toBe(200);
    expect(await chat(newKey)).toBe(200);

    const preview = await stack.preview({ diff: true });
    expect(preview.changeSummary).toEqual({ update: 1, same: 1 });
    expect(preview.stdout).toContain("retiredKeys");
    const listed = await stack.up();
    expect(listed.outputs.retiredKeys?.value).toEqual([
      { keyId: oldId, retiresAt: iso(retired?.expired_time as number) },
    ]);
    expect((await stack.preview()).changeSummary).toEqual({ same: 2 });

    await emu.control.advanceClock(24 * 3_600 + 5);
    expect(await chat(oldKey)).toBe(401);
    const cleaned = await stack.up();
    expect(cleaned.outputs.retiredKeys?.value ?? null).toBeNull(); // YAML exports a missing output as null
    expect((await emu.control.keys()).map((k) => k.id)).toEqual([newId]);

    // A destroy is not a replacement: the key is deleted at once.
    await stack.destroy();
    expect(await emu.control.keys()).toEqual([]);
  });
});
