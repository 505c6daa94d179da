/**
 * Every example that needs only CometAPI, run as a Pulumi program from its own folder by the real
 * engine (Node language host) against a fresh emulator: preview, up, the example's own point
 * (a config change, a rotation, an adoption), destroy. `alongside-cloud` needs a Kubernetes
 * cluster and is covered under Pulumi's mocks in test/integration/examples/alongside-cloud.test.ts.
 */
import { join } from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { createLocalProgramStack, type EngineStack, repoRoot } from "../support/engine";

const examples = join(repoRoot(), "examples");
const MASKED = /^sk-[0-9A-Za-z]{4}\*{10}[0-9A-Za-z]{4}$/;

let emulator: RunningEmulator;
let engine: EngineStack | undefined;

beforeEach(async () => {
  emulator = await startEmulator();
});

afterEach(async () => {
  await engine?.cleanup({ destroy: false });
  engine = undefined;
  await emulator.close();
});

/** A stack of `examples/<name>` connected to the emulator through stack config. */
async function exampleStack(name: string, config: Record<string, string> = {}): Promise<EngineStack> {
  engine = await createLocalProgramStack(join(examples, name), {
    config: {
      "cometapi:baseUrl": { value: emulator.url },
      "cometapi:userId": { value: String(emulator.userId) },
      "cometapi:accessToken": { value: emulator.accessToken, secret: true },
      ...Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: v }])),
    },
    envVars: { NODE_OPTIONS: "--disable-warning=ExperimentalWarning" },
  });
  return engine;
}

async function chat(key: string, model: string): Promise<number> {
  const res = await fetch(`${emulator.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
  await res.arrayBuffer();
  return res.status;
}

describe("examples against the emulator", () => {
  it("quickstart: two keys, one restricted, one unlimited and disabled; secret key exported", async () => {
    const { stack } = await exampleStack("quickstart");
    expect((await stack.preview()).changeSummary).toEqual({ create: 3 });
    expect(await emulator.control.keys()).toEqual([]);

    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ create: 3 });
    const keys = await emulator.control.keys();
    const backend = keys.find((k) => k.id === up.outputs.backendKeyId?.value);
    const batch = keys.find((k) => k.id === up.outputs.batchKeyId?.value);
    expect(backend).toMatchObject({
      status: 1,
      remain_quota: 5_000_000,
      unlimited_quota: false,
      model_limits_enabled: true,
    });
    expect(backend?.model_limits.split(",").sort()).toEqual(["claude-3-5-sonnet", "gpt-4o-mini"]);
    expect(backend?.allow_ips?.split("\n").sort()).toEqual(["10.0.0.0/8", "127.0.0.1", "::1"]);
    expect(batch).toMatchObject({ status: 2, unlimited_quota: true, model_limits_enabled: false });
    expect(up.outputs.backendMaskedKey?.value).toMatch(MASKED);
    expect(up.outputs.batchMaskedKey?.value).toMatch(MASKED);
    expect(up.outputs.backendKey).toEqual({ value: `sk-${backend?.key}`, secret: true });
    expect(await chat(`sk-${backend?.key}`, "gpt-4o-mini")).toBe(200);

    expect((await stack.preview()).changeSummary).toEqual({ same: 3 });
    expect((await stack.destroy()).summary.resourceChanges).toEqual({ delete: 3 });
    expect(await emulator.control.keys()).toEqual([]);
  });

  it("per-environment: one key per environment from config; removing one deletes its key", async () => {
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const { stack } = await exampleStack("per-environment", { prefix: "shop" });
    await stack.setConfig("environments.dev.quota", { value: "1000000" }, true);
    await stack.setConfig("environments.dev.expiresAt", { value: expiresAt }, true);
    await stack.setConfig("environments.prod.quota", { value: "50000000" }, true);
    await stack.setConfig("environments.prod.models[0]", { value: "gpt-4o-mini" }, true);

    expect((await stack.preview()).changeSummary).toEqual({ create: 4 }); // stack, component, 2 keys
    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ create: 4 });
    const ids = up.outputs.keyIds?.value as Record<string, number>;
    expect(Object.keys(ids).sort()).toEqual(["dev", "prod"]);
    expect(up.outputs.secretKeys?.secret).toBe(true);
    const byName = new Map((await emulator.control.keys()).map((k) => [k.name, k]));
    expect(byName.get("shop-dev")).toMatchObject({
      id: ids.dev,
      remain_quota: 1_000_000,
      expired_time: Date.parse(`${expiresAt}T00:00:00Z`) / 1000,
      model_limits_enabled: false,
    });
    expect(byName.get("shop-prod")).toMatchObject({
      id: ids.prod,
      remain_quota: 50_000_000,
      expired_time: -1,
      model_limits: "gpt-4o-mini",
    });

    await stack.removeConfig("environments.dev", true);
    expect((await stack.preview()).changeSummary).toEqual({ delete: 1, same: 3 });
    expect((await stack.up()).summary.resourceChanges).toEqual({ delete: 1, same: 3 });
    expect((await emulator.control.keys()).map((k) => k.name)).toEqual(["shop-prod"]);

    await stack.destroy();
    expect(await emulator.control.keys()).toEqual([]);
  });

  it("rotation: changing the rotation config replaces the key, create before delete", async () => {
    const { stack } = await exampleStack("rotation");
    const first = await stack.up();
    const oldKey = first.outputs.key?.value as string;
    expect(first.outputs.generation?.value).toBe("initial");
    expect((await emulator.control.keys()).map((k) => k.name)).toEqual(["rotating-api-initial"]);

    await stack.setConfig("rotation", { value: "2026-12-01" });
    expect((await stack.preview()).changeSummary).toEqual({ replace: 1, same: 1 });
    const ops: string[] = [];
    const onEvent = (e: EngineEvent) => {
      const op = e.resourcePreEvent?.metadata.op;
      if (op !== undefined && e.resourcePreEvent?.metadata.type.endsWith("CometApiKey")) ops.push(op);
    };
    const second = await stack.up({ onEvent });
    expect(second.summary.resourceChanges).toEqual({ replace: 1, same: 1 });
    expect(ops).toEqual(["create-replacement", "replace", "delete-replaced"]);
    const newKey = second.outputs.key?.value as string;
    expect(second.outputs.keyId?.value).not.toBe(first.outputs.keyId?.value);
    expect(newKey).not.toBe(oldKey);
    expect((await emulator.control.keys()).map((k) => k.name)).toEqual(["rotating-api-2026-12-01"]);
    expect(await chat(newKey, "gpt-4o-mini")).toBe(200);
    expect(await chat(oldKey, "gpt-4o-mini")).toBe(401);

    await stack.destroy();
    expect(await emulator.control.keys()).toEqual([]);
  });

  it("rotation: on schedule, the first preview inside the window replaces the key and says why", async () => {
    const { stack } = await exampleStack("rotation");
    const first = await stack.up();
    const oldKey = first.outputs.key?.value as string;
    const [created] = await emulator.control.keys();
    expect(
      Math.abs((created?.expired_time ?? 0) - (created?.created_time ?? 0) - 30 * 86_400),
    ).toBeLessThanOrEqual(60);

    await emulator.control.advanceClock(27 * 86_400 - 3_600); // the server's clock; not due yet
    expect((await stack.preview()).changeSummary).toEqual({ same: 2 });
    await emulator.control.advanceClock(2 * 3_600); // an hour into the 3-day window
    const due = await stack.preview();
    expect(due.changeSummary).toEqual({ replace: 1, same: 1 });
    expect(due.stdout).toMatch(
      /rotation due for key "rotating-api-initial": created \S+, rotateAfter 30d, rotateBefore 3d: due since \S+ \(server time \S+\)/,
    );
    const second = await stack.up();
    expect(second.summary.resourceChanges).toEqual({ replace: 1, same: 1 });
    const newKey = second.outputs.key?.value as string;
    expect(newKey).not.toBe(oldKey);
    expect(await chat(newKey, "gpt-4o-mini")).toBe(200);
    expect(await chat(oldKey, "gpt-4o-mini")).toBe(401);
    expect((await stack.preview()).changeSummary).toEqual({ same: 2 }); // the new key's clock starts now

    await stack.destroy();
    expect(await emulator.control.keys()).toEqual([]);
  });

  it("adopt-existing: takes over a console-made key, keeps its value, retains it on destroy", async () => {
    const made = await emulator.control.createKeyDirect(emulator.userId, {
      name: "made in the console",
      remain_quota: 123,
      unlimited_quota: false,
    });
    const { stack } = await exampleStack("adopt-existing", { keyId: String(made.id) });
    expect((await stack.preview()).changeSummary).toEqual({ create: 2 });
    const up = await stack.up();
    expect(up.outputs.keyId?.value).toBe(made.id);
    expect(up.outputs.status?.value).toBe("enabled");
    expect(up.outputs.remainingQuota?.value).toBe(2_000_000);
    const [after, ...others] = await emulator.control.keys();
    expect(others).toEqual([]);
    expect(after).toMatchObject({
      id: made.id,
      key: made.key,
      name: "legacy-backend",
      remain_quota: 2_000_000,
      model_limits_enabled: true,
    });
    expect(after?.model_limits.split(",").sort()).toEqual(["deepseek-chat", "gpt-4o-mini"]);
    expect((await stack.preview()).changeSummary).toEqual({ same: 2 });

    await stack.destroy();
    expect((await emulator.control.keys()).map((k) => k.id)).toEqual([made.id]); // retainOnDelete
  });
});
