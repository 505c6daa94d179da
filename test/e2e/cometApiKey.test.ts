/**
 * CometApiKey through the real Pulumi engine (Automation API, inline program, local backend)
 * against the emulator: preview with unknowns, up, no-op preview, usage and refresh, drift,
 * in-place updates of every mutable field, disable/enable, expiry revival, adoption, a key
 * deleted outside Pulumi, destroy; the key proven to work; secrets never leaked; and 50
 * identical keys at parallelism 16.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import type * as sdk from "../../sdk/index";
import { createInlineStack, type EngineStack, emulatorConnection, repoRoot } from "../support/engine";
import { callModel } from "../support/providerHarness";

// The built package, as programs load it: its loader must be plain CommonJS to serialize.
const { CometApiKey } = createRequire(join(repoRoot(), "package.json"))("./dist/sdk/index.js") as typeof sdk;

type KeySpec = Record<
  string,
  sdk.CometApiKeyArgs | ((keys: Record<string, sdk.CometApiKey>) => sdk.CometApiKeyArgs)
>;

let emu: RunningEmulator;
let spec: KeySpec = {};
let engine: EngineStack;
const output: string[] = [];
const onOutput = (line: string) => output.push(line);

/** The inline program: one CometApiKey per entry of `spec`, exporting what the tests read. */
async function program(): Promise<Record<string, unknown>> {
  const keys: Record<string, sdk.CometApiKey> = {};
  for (const [name, args] of Object.entries(spec)) {
    keys[name] = new CometApiKey(name, typeof args === "function" ? args(keys) : args);
  }
  return {
    ...Object.fromEntries(
      Object.entries(keys).map(([name, k]) => [name, { keyId: k.keyId, maskedKey: k.maskedKey }]),
    ),
    ...Object.fromEntries(Object.entries(keys).map(([name, k]) => [`${name}Key`, k.key])),
  };
}

async function serverKeys() {
  return emu.control.keys();
}

interface KeyState {
  keyId: number;
  key: string;
  status: string;
  remainingQuota: number;
  autoGroups: string[];
}

/** The outputs of key `name` as the state holds them (refresh updates state, not stack outputs). */
async function outputsOf(name: string): Promise<KeyState> {
  const state = await engine.stack.exportStack(); // decrypts secrets: for reading values only
  const resource = (state.deployment.resources as { urn: string; outputs: Record<string, unknown> }[]).find(
    (r) => r.urn.endsWith(`CometApiKey::${name}`),
  );
  if (!resource) throw new Error(`no key ${name} in state`);
  return Object.fromEntries(
    Object.entries(resource.outputs).map(([k, v]) => [k, revealed(v)]),
  ) as unknown as KeyState;
}

/** A secret exported with its plaintext (`{"4dabf…": "1b47…", "plaintext": "…json…"}`) → the value. */
function revealed(value: unknown): unknown {
  if (value && typeof value === "object" && "plaintext" in value && typeof value.plaintext === "string") {
    return JSON.parse(value.plaintext);
  }
  return value;
}

/** The stack's checkpoint exactly as stored in the backend (secrets encrypted). */
function rawState(): string {
  const dir = join(fileURLToPath(engine.backendUrl), ".pulumi", "stacks", "cometapi-e2e");
  const file = readdirSync(dir).find((f) => f.startsWith(engine.stack.name) && f.endsWith(".json"));
  if (!file) throw new Error(`no checkpoint for ${engine.stack.name} in ${dir}`);
  return readFileSync(join(dir, file), "utf8");
}

function changes(summary: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(summary).filter(([op, n]) => op !== "same" && (n ?? 0) > 0),
  ) as Record<string, number>;
}

beforeAll(async () => {
  emu = await startEmulator();
  engine = await createInlineStack("cometapi-e2e", program, emulatorConnection(emu));
});

afterAll(async () => {
  await engine?.cleanup();
  await emu?.close();
});

describe("CometApiKey through the engine", () => {
  it("previews with unknown inputs, then creates", async () => {
    spec = {
      backend: { quota: 500_000, models: ["gpt-4o-mini"], allowIps: ["127.0.0.0/8"] },
      // Its name depends on another key's id: unknown during the first preview.
      reporting: (keys) => ({
        name: pulumi.interpolate`reporting-for-${keys.backend?.keyId ?? "none"}`,
        unlimitedQuota: true,
        enabled: false,
      }),
    };
    const preview = await engine.stack.preview({ onOutput });
    expect(changes(preview.changeSummary)).toEqual({ create: 3 }); // the stack + 2 keys
    expect(await serverKeys()).toEqual([]); // preview never creates

    const up = await engine.stack.up({ onOutput });
    expect(up.summary.result).toBe("succeeded");
    const server = await serverKeys();
    expect(server).toHaveLength(2);
    const backend = await outputsOf("backend");
    const reporting = await outputsOf("reporting");
    expect(up.outputs.backendKey?.secret).toBe(true);
    expect(backend.key).toBe(`sk-${server.find((k) => k.id === backend.keyId)?.key}`);
    expect(server.find((k) => k.id === reporting.keyId)).toMatchObject({
      name: `reporting-for-${backend.keyId}`,
      unlimited_quota: true,
      status: 2,
    });
    expect(reporting.status).toBe("disabled");
    // From here on `reporting` stands alone: an update of `backend` makes its outputs unknown in
    // previews, which would (correctly) show `reporting` as a possible update too.
    spec.reporting = { name: `reporting-for-${backend.keyId}`, unlimitedQuota: true, enabled: false };
  });

  it("the provisioned key works on the model endpoint", async () => {
    const backend = await outputsOf("backend");
    expect((await callModel(emu, backend.key)).status).toBe(200);
    expect((await callModel(emu, backend.key, "claude-3-5-haiku-latest")).status).toBe(403);
  });

  it("shows no changes after up, and none after usage and refresh", async () => {
    expect(changes((await engine.stack.preview({ onOutput })).changeSummary)).toEqual({});
    const backend = await outputsOf("backend");
    for (let i = 0; i < 3; i += 1) expect((await callModel(emu, backend.key)).status).toBe(200);
    const refresh = await engine.stack.refresh({ onOutput });
    expect(refresh.summary.result).toBe("succeeded");
    expect(changes((await engine.stack.preview({ onOutput })).changeSummary)).toEqual({});
    expect((await outputsOf("backend")).remainingQuota).toBe(500_000 - 4 * 1_000);
  });

  it("reports out-of-band drift on refresh and puts it back on up", async () => {
    const backend = await outputsOf("backend");
    await emu.control.editKey(backend.keyId, { model_limits: "gpt-4o", name: "renamed-in-console" });
    await engine.stack.refresh({ onOutput });
    expect(changes((await engine.stack.preview({ onOutput })).changeSummary)).toEqual({ update: 1 });
    await engine.stack.up({ onOutput });
    const record = (await serverKeys()).find((k) => k.id === backend.keyId);
    expect(record?.model_limits).toBe("gpt-4o-mini");
    expect(record?.name).toMatch(/^backend-[0-9a-f]{7}$/);
    expect(record?.remain_quota).toBe(500_000 - 4 * 1_000); // usage survived the update
  });

  it("updates every mutable field in place", async () => {
    const backend = await outputsOf("backend");
    const now = await emu.control.now();
    const before = (await serverKeys()).find((k) => k.id === backend.keyId);
    spec.backend = {
      name: "backend-v2",
      expiresAt: now + 30 * 86_400,
      quota: 2_000_000,
      models: ["gpt-4o", "gpt-4o-mini"],
      allowIps: ["127.0.0.1", "10.0.0.0/8"],
      group: "auto",
      crossGroupRetry: true,
      enabled: true,
    };
    const preview = await engine.stack.preview({ onOutput });
    expect(changes(preview.changeSummary)).toEqual({ update: 1 });
    await engine.stack.up({ onOutput });
    const after = (await serverKeys()).find((k) => k.id === backend.keyId);
    expect(after).toMatchObject({
      id: before?.id,
      key: before?.key,
      name: "backend-v2",
      expired_time: now + 30 * 86_400,
      remain_quota: 2_000_000,
      group: "auto",
      cross_group_retry: true,
    });
    expect(String(after?.allow_ips).split("\n").sort()).toEqual(["10.0.0.0/8", "127.0.0.1"]);
    expect((await outputsOf("backend")).key).toBe(backend.key);
  });

  it("diffs models and allowIps as sets: a reorder is no change, one entry added previews as one addition", async () => {
    const current = spec.backend as sdk.CometApiKeyArgs;
    const storedInputs = async () => {
      const { resources } = (await engine.stack.exportStack()).deployment as {
        resources: { urn: string; inputs?: { models?: string[]; allowIps?: string[] } }[];
      };
      return resources.find((r) => r.urn.endsWith("CometApiKey::backend"))?.inputs;
    };
    spec.backend = { ...current, models: ["gpt-4o-mini", "gpt-4o"], allowIps: ["10.0.0.0/8", "127.0.0.1"] };
    const reordered = await engine.stack.up({ onOutput });
    expect(changes(reordered.summary.resourceChanges ?? {})).toEqual({});
    // The state keeps the order written.
    expect(await storedInputs()).toMatchObject({
      models: ["gpt-4o-mini", "gpt-4o"],
      allowIps: ["10.0.0.0/8", "127.0.0.1"],
    });

    spec.backend = {
      ...current,
      models: ["o1", "gpt-4o-mini", "gpt-4o"],
      allowIps: ["10.0.0.0/8", "127.0.0.1"],
    };
    const added = await engine.stack.preview({ diff: true, onOutput });
    expect(changes(added.changeSummary)).toEqual({ update: 1 });
    expect(added.stdout).toMatch(/\+ \[0\]: "o1"/);
    expect(added.stdout).not.toMatch(/=>/);

    spec.backend = { ...current, models: ["gpt-4o-mini", "gpt-4o"], allowIps: ["10.0.0.0/8"] };
    const removed = await engine.stack.preview({ diff: true, onOutput });
    expect(changes(removed.changeSummary)).toEqual({ update: 1 });
    expect(removed.stdout).toMatch(/- \[1\]: "127\.0\.0\.1"/);
    expect(removed.stdout).not.toMatch(/=>/);
    spec.backend = current;
  });

  it("keeps autoGroups in the order written: a reorder is an update, the same order none", async () => {
    const backend = await outputsOf("backend");
    const auto = { ...(spec.backend as sdk.CometApiKeyArgs), group: "auto", autoGroups: ["vip", "default"] };
    spec.backend = auto;
    await engine.stack.up({ onOutput });
    expect((await serverKeys()).find((k) => k.id === backend.keyId)?.auto_groups).toEqual(["vip", "default"]);
    expect(changes((await engine.stack.preview({ onOutput })).changeSummary)).toEqual({});
    spec.backend = { ...auto, autoGroups: ["default", "vip"] };
    expect(changes((await engine.stack.preview({ onOutput })).changeSummary)).toEqual({ update: 1 });
    await engine.stack.up({ onOutput });
    expect((await serverKeys()).find((k) => k.id === backend.keyId)?.auto_groups).toEqual(["default", "vip"]);
    expect((await outputsOf("backend")).autoGroups).toEqual(["default", "vip"]);
  });

  it("disables and re-enables a key", async () => {
    const backend = await outputsOf("backend");
    spec.backend = { ...(spec.backend as sdk.CometApiKeyArgs), enabled: false };
    await engine.stack.up({ onOutput });
    expect((await serverKeys()).find((k) => k.id === backend.keyId)?.status).toBe(2);
    expect((await callModel(emu, backend.key)).status).toBe(401);
    spec.backend = { ...(spec.backend as sdk.CometApiKeyArgs), enabled: true };
    await engine.stack.up({ onOutput });
    expect((await serverKeys()).find((k) => k.id === backend.keyId)?.status).toBe(1);
  });

  it("reports an expired key and revives it when expiresAt moves forward", async () => {
    const backend = await outputsOf("backend");
    await emu.control.advanceClock(31 * 86_400);
    expect((await callModel(emu, backend.key)).status).toBe(401); // flips the key to 3
    await engine.stack.refresh({ onOutput });
    expect((await outputsOf("backend")).status).toBe("expired");
    expect(changes((await engine.stack.preview({ onOutput })).changeSummary)).toEqual({});
    const now = await emu.control.now();
    spec.backend = { ...(spec.backend as sdk.CometApiKeyArgs), expiresAt: now + 86_400 };
    await engine.stack.up({ onOutput });
    expect((await serverKeys()).find((k) => k.id === backend.keyId)?.status).toBe(1);
    expect((await outputsOf("backend")).status).toBe("enabled");
    expect((await callModel(emu, backend.key)).status).toBe(200);
  });

  it("adopts a key created in the console", async () => {
    const existing = await emu.control.createKeyDirect(emu.userId, {
      name: "made-in-console",
      remain_quota: 5,
    });
    spec.adopted = { name: "adopted", quota: 7_000, adoptKeyId: existing.id };
    await engine.stack.up({ onOutput });
    const adopted = await outputsOf("adopted");
    expect(adopted.keyId).toBe(existing.id);
    expect(adopted.key).toBe(`sk-${existing.key}`);
    expect((await serverKeys()).find((k) => k.id === existing.id)).toMatchObject({
      name: "adopted",
      remain_quota: 7_000,
    });
  });

  it("drops a key deleted outside Pulumi on refresh and creates it again on up", async () => {
    const adopted = await outputsOf("adopted");
    await fetch(`${emu.url}/api/token/${adopted.keyId}`, {
      method: "DELETE",
      headers: { authorization: emu.accessToken, "new-api-user": String(emu.userId) },
    });
    const refresh = await engine.stack.refresh({ onOutput });
    expect(refresh.summary.resourceChanges?.delete).toBe(1);
    delete spec.adopted; // its adoptKeyId points at a deleted key now
    spec.recreated = { name: "recreated", quota: 7_000 };
    expect(changes((await engine.stack.preview({ onOutput })).changeSummary)).toEqual({ create: 1 });
    await engine.stack.up({ onOutput });
    expect((await serverKeys()).some((k) => k.name === "recreated")).toBe(true);
  });

  it("keeps secrets out of state and output, and the serialized provider small", async () => {
    const state = rawState();
    expect(state).not.toContain(emu.accessToken);
    expect(output.join("")).not.toContain(emu.accessToken);
    for (const record of await serverKeys()) expect(state).not.toContain(record.key);
    const checkpoint = JSON.parse(state).checkpoint as {
      latest: { resources: { type: string; inputs?: { __provider?: string } }[] };
    };
    const keys = checkpoint.latest.resources.filter(
      (r) => r.type === "pulumi-nodejs:dynamic/cometapi:CometApiKey",
    );
    expect(keys.length).toBeGreaterThan(0);
    for (const r of keys) expect(Buffer.byteLength(r.inputs?.__provider ?? "")).toBeLessThanOrEqual(3 * 1024);
  });

  it("destroys every key", async () => {
    const destroy = await engine.stack.destroy({ onOutput });
    expect(destroy.summary.result).toBe("succeeded");
    expect(await serverKeys()).toEqual([]);
  });

  it("gives 50 identical keys distinct ids at parallelism 16", async () => {
    spec = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [
        `same-${i}`,
        { name: "identical", quota: 1_000, models: ["gpt-4o-mini"] },
      ]),
    );
    const up = await engine.stack.up({ onOutput, parallel: 16 });
    expect(up.summary.result).toBe("succeeded");
    const ids = Object.entries(up.outputs)
      .filter(([name]) => !name.endsWith("Key"))
      .map(([, o]) => (o.value as { keyId: number }).keyId);
    expect(new Set(ids).size).toBe(50);
    const server = await serverKeys();
    expect(server).toHaveLength(50);
    expect(server.map((k) => k.id).sort()).toEqual(ids.slice().sort());
    await engine.stack.destroy({ onOutput, parallel: 16 });
    expect(await serverKeys()).toEqual([]);
  });
});
