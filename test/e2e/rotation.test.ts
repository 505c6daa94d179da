/**
 * Scheduled rotation through the real engine, against the emulator whose clock is moved forward
 * (the local clock is not): a `CometApiKey` with `rotateAfter` and a downstream resource that
 * consumes its `key`. Once due, the preview shows a replacement and says why; `up` creates the new
 * key, updates the consumer with the new value and deletes the old key, in that order; the next
 * preview is quiet again.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import * as pulumiRuntime from "@pulumi/pulumi";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { CometApiKey } from "../../sdk";
import { createInlineStack, type EngineStack, emulatorConnection } from "../support/engine";

const DAY = 86_400;
const fingerprint = (key: string) => createHash("sha256").update(key).digest("hex").slice(0, 12);

/** Stands for a service configured with the key: it records a fingerprint of the value it got. */
const consumerProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: { key: string }) {
    const { createHash: hash } = require("node:crypto") as typeof import("node:crypto");
    const print = hash("sha256").update(inputs.key).digest("hex").slice(0, 12);
    return { id: `consumer-${print}`, outs: { key: inputs.key, fingerprint: print } };
  },
  async diff(_id: string, olds: { key: string }, news: { key: string }) {
    return { changes: olds.key !== news.key, replaces: [] };
  },
  async update(_id: string, _olds: unknown, news: { key: string }) {
    const { createHash: hash } = require("node:crypto") as typeof import("node:crypto");
    return {
      outs: { key: news.key, fingerprint: hash("sha256").update(news.key).digest("hex").slice(0, 12) },
    };
  },
};

class KeyConsumer extends pulumiRuntime.dynamic.Resource {
  declare readonly fingerprint: pulumi.Output<string>;
  constructor(name: string, key: pulumi.Input<string>) {
    super(consumerProvider, name, { key, fingerprint: undefined }, { additionalSecretOutputs: ["key"] });
  }
}

let emulator: RunningEmulator;
let engine: EngineStack | undefined;
beforeEach(async () => {
  emulator = await startEmulator();
});
afterEach(async () => {
  await engine?.cleanup();
  engine = undefined;
  await emulator.close();
});

async function chat(key: string): Promise<number> {
  const res = await fetch(`${emulator.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
  });
  await res.arrayBuffer();
  return res.status;
}

describe("scheduled rotation through the engine", () => {
  it("replaces the key once due by the server's clock, consumers get the new key in the same up", async () => {
    engine = await createInlineStack(
      "cometapi-rotation",
      async () => {
        const api = new CometApiKey("api", {
          name: "rotating-api",
          quota: 1_000_000,
          models: ["gpt-4o-mini"],
          rotateAfter: "30d",
          rotateBefore: "2d",
        });
        const consumer = new KeyConsumer("consumer", api.key);
        return {
          keyId: api.keyId,
          key: api.key,
          createdAt: api.createdAt,
          expiresAt: api.expiresAt,
          consumerFingerprint: consumer.fingerprint,
        };
      },
      emulatorConnection(emulator),
    );
    const { stack } = engine;
    const first = await stack.up();
    const oldKey = first.outputs.key?.value as string;
    const [created] = await emulator.control.keys();
    // The schedule's expiry: 30 days after the server created the key (to within a minute).
    expect(
      Math.abs((created?.expired_time ?? 0) - (created?.created_time ?? 0) - 30 * DAY),
    ).toBeLessThanOrEqual(60);
    expect(first.outputs.expiresAt?.value).toBe(
      new Date((created?.expired_time ?? 0) * 1000).toISOString().replace(".000", ""),
    );
    expect(first.outputs.consumerFingerprint?.value).toBe(fingerprint(oldKey));

    // 27 days and 23 hours later (server clock): not due yet.
    await emulator.control.advanceClock(28 * DAY - 3_600);
    const quiet = await stack.preview();
    expect(quiet.changeSummary).toEqual({ same: 3 });
    expect(quiet.stdout).not.toMatch(/rotation due/);

    // Two hours later: inside the 2-day window.
    await emulator.control.advanceClock(2 * 3_600);
    const due = await stack.preview();
    expect(due.changeSummary).toEqual({ replace: 1, update: 1, same: 1 });
    const createdIso = new Date((created?.created_time ?? 0) * 1000).toISOString().replace(".000", "");
    expect(due.stdout).toContain(
      `rotation due for key "rotating-api": created ${createdIso}, rotateAfter 30d, rotateBefore 2d`,
    );
    console.log(`preview of a due rotation:\n${due.stdout}`);

    const ops: string[] = [];
    const onEvent = (e: EngineEvent) => {
      const meta = e.resourcePreEvent?.metadata;
      if (meta && meta.type !== "pulumi:pulumi:Stack" && !meta.type.startsWith("pulumi:providers:"))
        ops.push(`${meta.op} ${meta.urn.split("::").pop()}`);
    };
    const second = await stack.up({ onEvent });
    console.log(`up of a due rotation:\n${second.stdout}`);
    expect(second.summary.resourceChanges).toEqual({ replace: 1, update: 1, same: 1 });
    expect(ops).toEqual(["create-replacement api", "replace api", "update consumer", "delete-replaced api"]);
    const newKey = second.outputs.key?.value as string;
    expect(newKey).not.toBe(oldKey);
    expect(second.outputs.keyId?.value).not.toBe(first.outputs.keyId?.value);
    expect(second.outputs.consumerFingerprint?.value).toBe(fingerprint(newKey));
    const keys = await emulator.control.keys();
    expect(keys.map((k) => k.id)).toEqual([second.outputs.keyId?.value]);
    expect(
      Math.abs((keys[0]?.expired_time ?? 0) - (keys[0]?.created_time ?? 0) - 30 * DAY),
    ).toBeLessThanOrEqual(60);
    expect(await chat(newKey)).toBe(200);
    expect(await chat(oldKey)).toBe(401);

    // The replacement reset the clock: quiet again, until the next window.
    const after = await stack.preview();
    expect(after.changeSummary).toEqual({ same: 3 });
    expect(after.stdout).not.toMatch(/rotation due/);
  });

  it("with retireAfter, a consumer in another stack keeps working until the grace ends; the next up deletes the old key", async () => {
    const backendDir = mkdtempSync(join(tmpdir(), "cometapi-retire-"));
    const connection = emulatorConnection(emulator);
    const producerName = `producer-${process.pid}`;
    const producer = await createInlineStack(
      "cometapi-rotation",
      async () => {
        const api = new CometApiKey("api", {
          name: "retiring-api",
          quota: 1_000_000,
          models: ["gpt-4o-mini"],
          rotateAfter: "30d",
          rotateBefore: "2d",
          retireAfter: "24h",
        });
        const consumer = new KeyConsumer("consumer", api.key);
        return {
          keyId: api.keyId,
          key: api.key,
          retiredKeys: api.retiredKeys,
          consumerFingerprint: consumer.fingerprint,
        };
      },
      { ...connection, backendDir, stackName: producerName },
    );
    // The consumer outside the stack: reads the key through a stack reference at its own `up`.
    const outside = await createInlineStack(
      "cometapi-consumer",
      async () => {
        const ref = new pulumiRuntime.StackReference(`organization/cometapi-rotation/${producerName}`);
        return { key: ref.getOutput("key") };
      },
      { ...connection, backendDir },
    );
    const timeline: string[] = [];
    const at = async (event: string) => {
      const now = new Date((await emulator.control.now()) * 1000).toISOString().replace(".000", "");
      timeline.push(`${now}  ${event}`);
    };
    try {
      const first = await producer.stack.up();
      const oldId = first.outputs.keyId?.value as number;
      const oldKey = first.outputs.key?.value as string;
      await at(`up: key ${oldId} created`);
      const read = await outside.stack.up();
      const outsideKey = read.outputs.key?.value as string;
      expect(outsideKey).toBe(oldKey);
      expect(await chat(outsideKey)).toBe(200);
      await at(`other stack: up, reads key ${oldId} through the stack reference; a call with it: 200`);

      // Rotation due (server clock): the new key is created, the consumer in the stack updated, the
      // old key retired instead of deleted.
      await emulator.control.advanceClock(28 * DAY + 3_600);
      const ops: string[] = [];
      const onEvent = (e: EngineEvent) => {
        const meta = e.resourcePreEvent?.metadata;
        if (meta && meta.type !== "pulumi:pulumi:Stack" && !meta.type.startsWith("pulumi:providers:"))
          ops.push(`${meta.op} ${meta.urn.split("::").pop()}`);
      };
      const rotated = await producer.stack.up({ onEvent });
      console.log(`up of a due rotation with retireAfter:\n${rotated.stdout}`);
      expect(ops).toEqual([
        "create-replacement api",
        "replace api",
        "update consumer",
        "delete-replaced api",
      ]);
      const newId = rotated.outputs.keyId?.value as number;
      const newKey = rotated.outputs.key?.value as string;
      expect(newId).not.toBe(oldId);
      expect(rotated.outputs.consumerFingerprint?.value).toBe(fingerprint(newKey));
      expect(rotated.stdout).toContain(
        "replacing it with a new key (created first, the old one retired at the end of the update: it keeps working for retireAfter 1d)",
      );
      expect(rotated.stdout).toContain(`key ${oldId} retired (replaced by key ${newId}, retireAfter 1d)`);
      const retired = (await emulator.control.keys()).find((k) => k.id === oldId);
      const serverNow = await emulator.control.now();
      expect(retired?.expired_time).toBeGreaterThan(serverNow + 24 * 3_600 - 60);
      expect(retired?.expired_time).toBeLessThanOrEqual(serverNow + 24 * 3_600);
      await at(
        `up: key ${newId} created, consumer in the stack updated, key ${oldId} retired until ${new Date((retired?.expired_time ?? 0) * 1000).toISOString().replace(".000", "")}`,
      );
      // Two valid keys, never zero: the other stack still holds the old one.
      expect(await chat(outsideKey)).toBe(200);
      expect(await chat(newKey)).toBe(200);
      await at(`other stack (not re-run): a call with key ${oldId}: 200`);

      // A run during the grace lists the retired key and leaves it alone.
      await emulator.control.advanceClock(12 * 3_600);
      const during = await producer.stack.up();
      expect(during.outputs.retiredKeys?.value).toEqual([
        {
          keyId: oldId,
          retiresAt: new Date((retired?.expired_time ?? 0) * 1000).toISOString().replace(".000", ""),
        },
      ]);
      expect(await chat(outsideKey)).toBe(200);
      await at(`up: retiredKeys lists key ${oldId}; a call with it: 200`);

      // Grace over: the server refuses the old key without any run; the other stack's next up switches.
      await emulator.control.advanceClock(12 * 3_600 + 5);
      expect(await chat(outsideKey)).toBe(401);
      await at(`grace over: a call with key ${oldId}: 401`);
      const switched = await outside.stack.up();
      expect(switched.outputs.key?.value).toBe(newKey);
      expect(await chat(newKey)).toBe(200);
      await at(`other stack: up, reads key ${newId}; a call with it: 200`);

      // The next up of the producer deletes the retired key.
      const cleaned = await producer.stack.up();
      expect(cleaned.outputs.retiredKeys).toBeUndefined();
      expect((await emulator.control.keys()).map((k) => k.id)).toEqual([newId]);
      await at(`up: key ${oldId} deleted; keys on the server: ${newId}`);
      console.log(`retirement timeline (server clock):\n${timeline.join("\n")}`);
    } finally {
      await outside.cleanup();
      await producer.cleanup();
      rmSync(backendDir, { recursive: true, force: true });
    }
  });
});

describe("refresh of a rotating key (issue 21, case 7)", () => {
  it("reports no drift, and the preview after it shows no change", async () => {
    engine = await createInlineStack(
      "cometapi-rotation-refresh",
      async () => {
        const api = new CometApiKey("api", {
          name: "rotating-api",
          quota: 1_000,
          rotateAfter: "30d",
          rotateBefore: "2d",
        });
        return { keyId: api.keyId };
      },
      emulatorConnection(emulator),
    );
    const { stack } = engine;
    await stack.up();
    const refreshed = await stack.refresh();
    expect(refreshed.summary.resourceChanges).toEqual({ same: 2 });
    const preview = await stack.preview();
    expect(preview.changeSummary).toEqual({ same: 2 });
  });
});
