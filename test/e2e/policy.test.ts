/**
 * The policy pack (`examples/policy`, built on `pulumi-cometapi/policy`) run by the real engine:
 * `pulumi preview --policy-pack DIR` over a program with one key per rule, each breaking exactly
 * that rule, then over a compliant program, then with `--policy-pack-config`. The engine starts
 * the pack through the toolchain's `pulumi-analyzer-policy` launcher.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CommandError } from "@pulumi/pulumi/automation";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { CometApiKey, type CometApiKeyArgs } from "../../sdk";
import { createInlineStack, type EngineStack, emulatorConnection, repoRoot } from "../support/engine";

/**
 * The pack's launcher: Pulumi v3.276 runs an executable policy pack directly, while a pack folder
 * goes through the Node language host, which the toolchain's legacy host cannot do.
 */
const POLICY_PACK = join(repoRoot(), "examples", "policy", "pulumi-analyzer-policy");
const DAY_MS = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);

/** A key every rule accepts. */
const compliant = (): CometApiKeyArgs => ({
  quota: 1_000_000,
  expiresAt: inDays(30),
  allowIps: ["10.0.0.0/8"],
  models: ["gpt-4o-mini"],
});

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "cometapi-policy-"));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

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

async function stackOf(keys: Record<string, CometApiKeyArgs>): Promise<EngineStack> {
  engine = await createInlineStack(
    "cometapi-policy",
    async () => {
      for (const [name, args] of Object.entries(keys)) new CometApiKey(name, args);
    },
    emulatorConnection(emulator),
  );
  return engine;
}

/** The preview's output; a mandatory violation makes `pulumi preview` fail, with the report in the error. */
async function previewOutput(engineStack: EngineStack, policyPackConfigs: string[] = []) {
  try {
    const result = await engineStack.stack.preview({ policyPacks: [POLICY_PACK], policyPackConfigs });
    return { failed: false, output: result.stdout };
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    return { failed: true, output: error.message };
  }
}

/** The report line of one violation: level, policy, the resource's type and name. */
function violation(level: "mandatory" | "advisory", policy: string, resource: string): RegExp {
  return new RegExp(
    `- \\[${level}\\]\\s+${policy}\\s+\\(pulumi-nodejs:dynamic/cometapi:CometApiKey: ${resource}\\)\\n.*\\n\\s+(.*)`,
  );
}

/** The distinct violation lines (a failed command's error carries the output twice). */
function violationLines(output: string): string[] {
  return [...new Set(output.match(/- \[(mandatory|advisory)\].*/g) ?? [])];
}

function messageOf(output: string, re: RegExp): string | undefined {
  return re.exec(output)?.[1];
}

describe("the CometAPI key policy pack", () => {
  it("reports each rule's violation with its resource and rule, and fails the preview", async () => {
    const stack = await stackOf({
      unlimited: { ...compliant(), quota: undefined, unlimitedQuota: true },
      forever: { ...compliant(), expiresAt: undefined },
      far: { ...compliant(), expiresAt: inDays(200) },
      slow: { ...compliant(), expiresAt: undefined, rotateAfter: "180d" },
      open: { ...compliant(), allowIps: [] },
      everyone: { ...compliant(), allowIps: ["0.0.0.0/0"] },
      anymodel: { ...compliant(), models: [] },
      big: { ...compliant(), quota: 60_000_000 },
      fine: compliant(),
    });
    const { failed, output } = await previewOutput(stack);
    expect(failed).toBe(true);
    const found = (level: "mandatory" | "advisory", policy: string, resource: string) =>
      messageOf(output, violation(level, policy, resource));
    expect(found("mandatory", "cometapi-no-unlimited-quota", "unlimited")).toBe(
      "unlimitedQuota is true: set quota (in quota units, 500000 = $1) instead",
    );
    expect(found("mandatory", "cometapi-key-expiry", "forever")).toBe(
      "never expires: set expiresAt (at most 90 days ahead) or rotateAfter (at most 90d)",
    );
    expect(found("mandatory", "cometapi-key-expiry", "far")).toMatch(
      /^expiresAt \S+ is more than 90 days ahead \(maxDays 90\); bring it closer$/,
    );
    expect(found("mandatory", "cometapi-key-expiry", "slow")).toBe(
      'rotateAfter "180d" is longer than 90 days (maxDays 90)',
    );
    expect(found("advisory", "cometapi-ip-allowlist", "open")).toBe(
      "allowIps is empty, so any address may use the key: list your callers' CIDRs",
    );
    expect(found("advisory", "cometapi-ip-allowlist", "everyone")).toBe(
      "allowIps contains 0.0.0.0/0, which lets every address in",
    );
    expect(found("advisory", "cometapi-model-allowlist", "anymodel")).toBe(
      "models is empty, so the key may call every model: list the models it needs",
    );
    expect(found("mandatory", "cometapi-max-quota", "big")).toBe(
      "quota 60000000 is above maxQuota 50000000 (quota units, 500000 = $1)",
    );
    // Exactly those: the compliant key and the rules each key keeps are not reported.
    expect(violationLines(output)).toHaveLength(8);
    expect(output).not.toMatch(/CometApiKey: fine\)/);
    expect(await emulator.control.keys()).toEqual([]);
  });

  it("lets a compliant program preview and deploy", async () => {
    const stack = await stackOf({
      fine: compliant(),
      rotating: { ...compliant(), expiresAt: undefined, rotateAfter: "30d" },
    });
    const { failed, output } = await previewOutput(stack);
    expect(failed).toBe(false);
    expect(output).toMatch(/\+ 3 to create/);
    expect(output).not.toMatch(/\[(mandatory|advisory)\]/);
    const up = await stack.stack.up({ policyPacks: [POLICY_PACK] });
    expect(up.summary.resourceChanges).toEqual({ create: 3 });
    expect(await emulator.control.keys()).toHaveLength(2);
  });

  it("takes levels and limits from --policy-pack-config", async () => {
    const config = join(scratch, "policy-config.json");
    writeFileSync(
      config,
      JSON.stringify({
        "cometapi-no-unlimited-quota": "disabled",
        "cometapi-ip-allowlist": "mandatory",
        "cometapi-max-quota": { maxQuota: 500_000 },
        "cometapi-model-allowlist": { enforcementLevel: "mandatory", allowedModels: ["gpt-4o"] },
        "cometapi-key-expiry": { maxDays: 7 },
      }),
    );
    const stack = await stackOf({
      unlimited: {
        ...compliant(),
        quota: undefined,
        unlimitedQuota: true,
        models: ["gpt-4o"],
        expiresAt: inDays(3),
      },
      open: { ...compliant(), allowIps: [], quota: 1_000, models: ["gpt-4o"], expiresAt: inDays(3) },
      fine: compliant(),
    });
    const { failed, output } = await previewOutput(stack, [config]);
    expect(failed).toBe(true);
    const found = (level: "mandatory" | "advisory", policy: string, resource: string) =>
      messageOf(output, violation(level, policy, resource));
    expect(found("mandatory", "cometapi-ip-allowlist", "open")).toMatch(/^allowIps is empty/);
    expect(found("mandatory", "cometapi-max-quota", "fine")).toBe(
      "quota 1000000 is above maxQuota 500000 (quota units, 500000 = $1)",
    );
    expect(found("mandatory", "cometapi-model-allowlist", "fine")).toBe(
      "models gpt-4o-mini not in allowedModels (gpt-4o)",
    );
    expect(found("mandatory", "cometapi-key-expiry", "fine")).toMatch(
      /is more than 7 days ahead \(maxDays 7\)/,
    );
    expect(output).not.toMatch(/cometapi-no-unlimited-quota/);
    expect(violationLines(output)).toHaveLength(4);
  });
});
