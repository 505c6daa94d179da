/**
 * Reliability and security through the real engine (Automation API, inline program, local
 * backend) against the emulator:
 * - a few model-based random sequences (the generator and reference model of the provider-level
 *   suite, `test/support/keyModel.ts`), each `up`/`refresh` a real engine run with a once-only
 *   fault, checked step by step against the model, then destroyed;
 * - secrets: after every engine run the raw checkpoint, the engine's output and events and any
 *   thrown error (message + stack) contain neither the access token nor a key value;
 *   `pulumi stack output` and `pulumi stack export` without `--show-secrets` show the key only as a
 *   secret, with it they show the real key (so the scan could find it).
 * The embedded emulator writes no log at all (nothing to scan); see the README section.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorKeyRecord, type RunningEmulator, startEmulator } from "../../emulator/index";
import type * as sdk from "../../sdk/index";
import { createInlineStack, type EngineStack, emulatorConnection, repoRoot } from "../support/engine";
import {
  describeStep,
  EMPTY_PROGRAM,
  KeyModel,
  type Program,
  resolveProgram,
  resourceArgs,
  SLOTS,
  type Slot,
  type Step,
  sequenceArb,
  USE_MODEL,
} from "../support/keyModel";
import { callModel } from "../support/providerHarness";
import { errorTexts, expectNoSecrets } from "../support/secretScan";

const { CometApiKey } = createRequire(join(repoRoot(), "package.json"))("./dist/sdk/index.js") as typeof sdk;
const run = promisify(execFile);

const SEQUENCES = Number(process.env.COMETAPI_ENGINE_MODEL_RUNS ?? 4);
const SEED =
  process.env.COMETAPI_MODEL_SEED === undefined ? undefined : Number(process.env.COMETAPI_MODEL_SEED);
const STACK_PROJECT = "cometapi-reliability";

let emu: RunningEmulator;
let engine: EngineStack;
let declared: Program = EMPTY_PROGRAM;
let t0 = 0;
/** Every key value the server ever held during this file (deleted ones too). */
const everSeen = new Set<string>();
const captured: string[] = [];
/** Debug-severity diagnostics of the event stream, kept apart (see the last test). */
const debugEvents: string[] = [];
const opts = {
  onOutput: (line: string) => captured.push(line),
  onError: (line: string) => captured.push(line),
  onEvent: (event: { diagnosticEvent?: { severity?: string } }) =>
    (event.diagnosticEvent?.severity === "debug" ? debugEvents : captured).push(JSON.stringify(event)),
};

async function program(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const slot of SLOTS) {
    const args = declared[slot];
    if (!args) continue;
    const key = new CometApiKey(slot, resourceArgs(args, t0) as sdk.CometApiKeyArgs);
    out[`${slot}Key`] = key.key;
    out[`${slot}Masked`] = key.maskedKey;
  }
  return out;
}

function rawCheckpoint(): string {
  const dir = join(fileURLToPath(engine.backendUrl), ".pulumi", "stacks", STACK_PROJECT);
  const file = readdirSync(dir).find((f) => f.startsWith(engine.stack.name) && f.endsWith(".json"));
  if (!file) throw new Error(`no checkpoint in ${dir}`);
  return readFileSync(join(dir, file), "utf8");
}

async function serverKeys(): Promise<EmulatorKeyRecord[]> {
  const keys = await emu.control.keys();
  for (const k of keys) everSeen.add(k.key);
  return keys;
}

/** The scans every engine run ends with. */
async function scanEverything(thrown?: unknown): Promise<void> {
  await serverKeys();
  const secrets = { accessToken: emu.accessToken, keys: [...everSeen] };
  expectNoSecrets("the raw checkpoint", rawCheckpoint(), secrets);
  expectNoSecrets("engine output and events (debug diagnostics aside)", captured.join("\n"), secrets);
  if (thrown !== undefined) expectNoSecrets("the thrown error", errorTexts(thrown), secrets);
}

/** `pulumi <args>` as the user runs it in the workspace, with the stack's environment. */
async function cli(args: string[]): Promise<string> {
  const { stdout } = await run("pulumi", [...args, "--stack", engine.stack.name, "--non-interactive"], {
    cwd: engine.stack.workspace.workDir,
    env: { ...process.env, ...engine.envVars },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

interface StateKey {
  id: string;
  outputs: Record<string, unknown>;
}

/** CometApiKey resources in state by slot, secrets decrypted (for comparing values only). */
async function stateBySlot(): Promise<Map<Slot, StateKey>> {
  const state = await engine.stack.exportStack();
  const out = new Map<Slot, StateKey>();
  for (const r of state.deployment.resources as {
    urn: string;
    id: string;
    type: string;
    outputs: Record<string, unknown>;
  }[]) {
    if (r.type !== "pulumi-nodejs:dynamic/cometapi:CometApiKey") continue;
    const slot = r.urn.split("::").at(-1) as Slot;
    out.set(slot, {
      id: r.id,
      outputs: Object.fromEntries(
        Object.entries(r.outputs).map(([k, v]) => [
          k,
          v && typeof v === "object" && "plaintext" in v ? JSON.parse(String(v.plaintext)) : v,
        ]),
      ),
    });
  }
  return out;
}

/** `fresh`: the slots whose outputs the last engine run wrote (only those report live status). */
async function checkAgainstModel(model: KeyModel, fresh: ReadonlySet<Slot>): Promise<void> {
  const server = await serverKeys();
  const state = await stateBySlot();
  expect([...state.keys()].sort(), "resources in state").toEqual([...model.slots.keys()].sort());
  const expectedIds: string[] = [];
  for (const [slot, m] of model.slots) {
    const entry = state.get(slot) as StateKey;
    const rec = server.find((r) => String(r.id) === entry.id);
    if (!m.server) continue;
    expectedIds.push(entry.id);
    expect(rec, `slot ${slot} on the server`).toBeDefined();
    const r = rec as EmulatorKeyRecord;
    expect(
      {
        name: r.name,
        models: r.model_limits_enabled ? r.model_limits.split(",").filter(Boolean).sort() : [],
        status: r.status,
        remain: r.remain_quota,
        used: r.used_quota,
        unlimited: r.unlimited_quota,
        expiry: r.expired_time,
      },
      `slot ${slot}: key ${entry.id} on the server`,
    ).toEqual({ ...m.server, models: [...m.server.models].sort() });
    expect(entry.outputs.key, `slot ${slot}: secret in state`).toBe(`sk-${r.key}`);
    if (fresh.has(slot))
      expect(entry.outputs.status, `slot ${slot}: reported status`).toBe(model.reported(m.server));
  }
  expect(server.map((r) => String(r.id)).sort(), "keys on the server").toEqual(expectedIds.sort());
}

/** An empty stack and a reset emulator, whatever an earlier (possibly failed) sequence left. */
async function startClean(): Promise<void> {
  declared = EMPTY_PROGRAM;
  await emu.control.clearFaults();
  await engine.stack.destroy(opts);
  await emu.control.reset();
}

async function runSequence(steps: readonly Step[]): Promise<void> {
  await startClean();
  t0 = await emu.control.now();
  declared = EMPTY_PROGRAM;
  const model = new KeyModel(t0);
  for (const [i, step] of steps.entries()) {
    const where = `step ${i + 1} ${describeStep(step)}`;
    try {
      if (step.op === "up") {
        declared = resolveProgram(step.program, declared);
        const bySlot = model.up(declared);
        const actions = Object.values(bySlot);
        if (step.fault) await emu.control.injectFault({ ...step.fault, times: 1 });
        const up = await engine.stack.up({ ...opts, parallel: 8 });
        await emu.control.clearFaults();
        expect(up.summary.result).toBe("succeeded");
        const first = i === 0 || steps.slice(0, i).every((s) => s.op !== "up");
        const changes = up.summary.resourceChanges ?? {};
        const count = (a: string) => actions.filter((x) => x === a).length;
        expect(
          { create: changes.create ?? 0, update: changes.update ?? 0, delete: changes.delete ?? 0 },
          "what the engine did",
        ).toEqual({
          create: count("create") + (first ? 1 : 0), // the stack itself on the first up
          update: count("update"),
          delete: count("delete"),
        });
        // An unchanged resource keeps the outputs of its last create/update/refresh.
        const written = SLOTS.filter((slot) => bySlot[slot] === "create" || bySlot[slot] === "update");
        await checkAgainstModel(model, new Set(written));
      } else if (step.op === "refresh") {
        model.refresh();
        if (step.fault) await emu.control.injectFault({ ...step.fault, times: 1 });
        const refresh = await engine.stack.refresh({ ...opts, parallel: 8 });
        await emu.control.clearFaults();
        expect(refresh.summary.result).toBe("succeeded");
        await checkAgainstModel(model, new Set(model.slots.keys()));
      } else if (step.op === "use") {
        const entry = (await stateBySlot()).get(step.slot);
        if (!entry) continue;
        for (let n = 0; n < step.times; n += 1) {
          const accepted = model.use(step.slot);
          const res = await callModel(emu, String(entry.outputs.key), USE_MODEL);
          expect(res.status === 200, `model call accepted (${res.status})`).toBe(accepted);
        }
        await checkAgainstModel(model, new Set());
      } else if (step.op === "expire") {
        model.expire();
        await emu.control.advanceClock(7_200);
      } else {
        const entry = (await stateBySlot()).get(step.slot);
        const live = model.slots.get(step.slot)?.server;
        model.drift(step.slot, step.kind);
        if (entry && live) {
          const id = Number(entry.id);
          if (step.kind === "rename") await emu.control.editKey(id, { name: "console-renamed" });
          else if (step.kind === "models")
            await emu.control.editKey(id, { model_limits_enabled: true, model_limits: "gpt-4o" });
          else if (step.kind === "disable") await emu.control.editKey(id, { status: 2 });
        }
        await checkAgainstModel(model, new Set());
      }
      await scanEverything();
    } catch (error) {
      await emu.control.clearFaults();
      throw new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }
  const destroy = await engine.stack.destroy(opts);
  expect(destroy.summary.result).toBe("succeeded");
  expect(await serverKeys(), "nothing left after destroy").toEqual([]);
  await scanEverything();
}

beforeAll(async () => {
  emu = await startEmulator();
  engine = await createInlineStack(STACK_PROJECT, program, emulatorConnection(emu));
});

afterAll(async () => {
  await engine?.cleanup();
  await emu?.close();
});

describe("model-based through the engine", () => {
  it(`agrees with the model on ${SEQUENCES} random sequences`, async () => {
    const started = performance.now();
    let sequences = 0;
    let steps = 0;
    // No out-of-band deletes and no sequences where an `up` must fail: a failing engine run stops
    // scheduling at an engine-chosen point, which the model cannot predict (the provider-level
    // suite covers those). No shrinking: every shrink step is a few engine runs, so a failure
    // would spend the test timeout shrinking and be reported only as a timeout; the failing
    // sequence and its seed are reported as found (rerun with COMETAPI_MODEL_SEED to debug).
    const arb = sequenceArb({ faults: true, outOfBandDelete: false }, 6).filter(
      (s) => !KeyModel.predictsFailure(s, 1_800_000_000),
    );
    try {
      await fc.assert(
        fc.asyncProperty(arb, async (seq) => {
          sequences += 1;
          steps += seq.length;
          await runSequence(seq);
        }),
        { numRuns: SEQUENCES, endOnFailure: true, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
    } finally {
      console.log(
        `\nModel-based (engine level): ${sequences} sequences, ${steps} steps, ` +
          `${((performance.now() - started) / 1000).toFixed(1)}s`,
      );
    }
  });
});

describe("secrets through the engine", () => {
  it("never shows the token or a key in state, output, errors or `pulumi stack output`", async () => {
    await startClean();
    t0 = await emu.control.now();
    declared = {
      A: { name: "alpha", quota: 5_000, enabled: true, expiry: "later", models: "mini" },
      B: { name: "beta", quota: "unlimited", enabled: false, expiry: "none", models: "any" },
      C: null,
    };
    await emu.control.injectFault({
      method: "POST",
      route: "/api/token/:id/key",
      kind: "status",
      status: 503,
    });
    const up = await engine.stack.up(opts);
    expect(up.summary.result).toBe("succeeded");
    expect(up.outputs.AKey?.secret).toBe(true);
    const server = await serverKeys();
    expect(server).toHaveLength(2);
    await scanEverything();

    // A failing run: its error text and the engine's diagnostics are scanned too.
    declared = {
      ...declared,
      C: { name: "alpha", quota: 1_500, enabled: true, expiry: "none", models: "any" },
    };
    await emu.control.injectFault({
      method: "POST",
      route: "/api/token/",
      kind: "business-error",
      message: "database is locked",
    });
    const failed = await engine.stack.up(opts).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failed, "the up with a refused create fails").toBeDefined();
    expect(errorTexts(failed)).toMatch(/database is locked/);
    await scanEverything(failed);

    // The user's view without --show-secrets.
    const outputs = JSON.parse(await cli(["stack", "output", "--json"])) as Record<string, unknown>;
    expect(outputs.AKey).toBe("[secret]");
    expect(outputs.BKey).toBe("[secret]");
    expect(String(outputs.AMasked)).toMatch(/^sk-\w{4}\*{10}\w{4}$/);
    const exported = await cli(["stack", "export"]);
    expectNoSecrets("pulumi stack export", exported, { accessToken: emu.accessToken, keys: [...everSeen] });
    const plainOutput = await cli(["stack", "output"]);
    expectNoSecrets("pulumi stack output", plainOutput, {
      accessToken: emu.accessToken,
      keys: [...everSeen],
    });
    // The control: with --show-secrets the real key is there, so the scans above could find it.
    const shown = JSON.parse(await cli(["stack", "output", "--json", "--show-secrets"])) as Record<
      string,
      unknown
    >;
    const a = (await stateBySlot()).get("A");
    expect(shown.AKey).toBe(a?.outputs.key);
    expect(server.map((k) => `sk-${k.key}`)).toContain(shown.AKey);

    declared = EMPTY_PROGRAM;
    const destroy = await engine.stack.destroy(opts);
    expect(destroy.summary.result).toBe("succeeded");
    await scanEverything();
  });

  // PLATFORM (not provider code): the @pulumi/pulumi Node SDK logs every RegisterResource response
  // at debug severity ("RegisterResource RPC finished: … resp: …"), secret outputs included in
  // plaintext, e.g. `key,,,,,4dabf18193072939515e22adb298388d,,,1b47…,value,,,sk-<the key>`.
  // Those diagnostics reach the Automation API event stream and `pulumi up --debug` output, never
  // the default output or the state. Kept visible as an expected failure until upstream fixes it.
  it.fails("debug-severity engine diagnostics carry no key value (PLATFORM leak in @pulumi/pulumi)", () => {
    expect(debugEvents.length).toBeGreaterThan(0);
    expectNoSecrets("debug-severity diagnostics", debugEvents.join("\n"), {
      accessToken: emu.accessToken,
      keys: [...everSeen],
    });
  });
});
