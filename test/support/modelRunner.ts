/**
 * Runs model-based sequences (see `keyModel.ts`) against the emulator and checks every step
 * against the reference model. Used at provider level (the provider's methods called as the engine
 * calls them) by the integration suite.
 */
import { expect } from "vitest";
import type { EmulatorKeyRecord, RunningEmulator } from "../../emulator/index";
import { KeyNotFoundError, UnsatisfiableChangeError } from "../../provider/index";
import type { CometApiKeyProvider } from "../../provider/key/lifecycle";
import {
  describeStep,
  EMPTY_PROGRAM,
  type KeyArgs,
  KeyModel,
  type Program,
  resolveProgram,
  resourceArgs,
  type ServerKey,
  SLOTS,
  type Slot,
  type Step,
  type UpAction,
  USE_MODEL,
} from "./keyModel";
import { callModel } from "./providerHarness";

interface Entry {
  id: string;
  outs: Record<string, unknown>;
  inputs: Record<string, unknown>;
}

/** Tallies over all runs, for the report. */
export interface ModelStats {
  sequences: number;
  steps: Record<string, number>;
  actions: Record<string, number>;
  faults: number;
  modelCalls: { accepted: number; refused: number };
}

export function emptyStats(): ModelStats {
  return { sequences: 0, steps: {}, actions: {}, faults: 0, modelCalls: { accepted: 0, refused: 0 } };
}

function bump(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

/** The server record in the model's terms. */
function asModel(r: EmulatorKeyRecord): ServerKey {
  return {
    name: r.name,
    models: r.model_limits_enabled ? r.model_limits.split(",").filter((m) => m !== "") : [],
    status: r.status as ServerKey["status"],
    remain: r.remain_quota,
    used: r.used_quota,
    unlimited: r.unlimited_quota,
    expiry: r.expired_time,
  };
}

function sortedModels(k: ServerKey): ServerKey {
  return { ...k, models: [...k.models].sort() };
}

/**
 * Runs one sequence from a reset emulator. Throws (with the step and what differed) on the first
 * disagreement with the model.
 */
export async function runProviderSequence(
  emu: RunningEmulator,
  newProvider: () => CometApiKeyProvider,
  steps: readonly Step[],
  stats: ModelStats,
): Promise<void> {
  await emu.control.reset();
  const t0 = await emu.control.now();
  const model = new KeyModel(t0);
  const state = new Map<Slot, Entry>();
  const program = { current: EMPTY_PROGRAM };
  stats.sequences += 1;
  for (const [index, step] of steps.entries()) {
    bump(stats.steps, step.op);
    const where = `step ${index + 1} ${describeStep(step)}`;
    try {
      const fresh = await runStep(emu, newProvider(), model, state, step, stats, program);
      await checkAgainstModel(emu, model, state, fresh);
    } catch (error) {
      await emu.control.clearFaults();
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${where}: ${message}`, { cause: error });
    }
  }
}

/** Runs one step on the real side and the model; returns the slots whose outputs are fresh. */
async function runStep(
  emu: RunningEmulator,
  p: CometApiKeyProvider,
  model: KeyModel,
  state: Map<Slot, Entry>,
  step: Step,
  stats: ModelStats,
  program: { current: Program },
): Promise<Set<Slot>> {
  const fresh = new Set<Slot>();
  switch (step.op) {
    case "up": {
      const declared = resolveProgram(step.program, program.current);
      program.current = declared;
      const expected = model.up(declared);
      if (step.fault) {
        stats.faults += 1;
        await emu.control.injectFault({ ...step.fault, times: 1 });
      }
      const results = await Promise.allSettled(
        SLOTS.map((slot) => upSlot(p, state, slot, declared[slot], model.t0)),
      );
      await emu.control.clearFaults();
      for (const [i, slot] of SLOTS.entries()) {
        const result = results[i] as PromiseSettledResult<UpAction>;
        const want = expected[slot];
        bump(stats.actions, want);
        if (want === "not-found" || want === "unsatisfiable") {
          const errorClass = want === "not-found" ? KeyNotFoundError : UnsatisfiableChangeError;
          const got = result.status === "rejected" ? result.reason : `success (${result.value})`;
          expect(got, `slot ${slot} must fail with ${errorClass.name}`).toBeInstanceOf(errorClass);
          continue;
        }
        if (result.status === "rejected") {
          throw new Error(`slot ${slot}: expected ${want}, failed: ${(result.reason as Error).message}`, {
            cause: result.reason,
          });
        }
        expect(result.value, `slot ${slot}: what up did`).toBe(want);
        if (want === "create" || want === "update") fresh.add(slot);
      }
      return fresh;
    }
    case "refresh": {
      model.refresh();
      if (step.fault) {
        stats.faults += 1;
        await emu.control.injectFault({ ...step.fault, times: 1 });
      }
      const slots = [...state.keys()];
      const results = await Promise.allSettled(
        slots.map(async (slot) => {
          const entry = state.get(slot) as Entry;
          const read = await p.read(entry.id, entry.outs);
          if (read.id === "") state.delete(slot);
          else state.set(slot, { id: entry.id, outs: read.props ?? {}, inputs: read.inputs ?? entry.inputs });
        }),
      );
      await emu.control.clearFaults();
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
      for (const slot of state.keys()) fresh.add(slot);
      return fresh;
    }
    case "use": {
      const entry = state.get(step.slot);
      if (!entry) return fresh;
      for (let i = 0; i < step.times; i += 1) {
        const accepted = model.use(step.slot);
        const res = await callModel(emu, String(entry.outs.key), USE_MODEL);
        if (accepted) stats.modelCalls.accepted += 1;
        else stats.modelCalls.refused += 1;
        expect(
          res.status === 200,
          `model call ${i + 1} accepted (${res.status} ${res.body.slice(0, 80)})`,
        ).toBe(accepted);
      }
      return fresh;
    }
    case "expire":
      model.expire();
      await emu.control.advanceClock(7_200);
      return fresh;
    case "drift": {
      const entry = state.get(step.slot);
      const live = model.slots.get(step.slot)?.server;
      model.drift(step.slot, step.kind);
      if (!entry || !live) return fresh;
      const id = Number(entry.id);
      if (step.kind === "rename") await emu.control.editKey(id, { name: "console-renamed" });
      else if (step.kind === "models")
        await emu.control.editKey(id, { model_limits_enabled: true, model_limits: "gpt-4o" });
      else if (step.kind === "disable") await emu.control.editKey(id, { status: 2 });
      else {
        const res = await fetch(`${emu.url}/api/token/${id}`, {
          method: "DELETE",
          headers: { authorization: emu.accessToken, "new-api-user": String(emu.userId) },
        });
        expect(res.status).toBe(200);
      }
      return fresh;
    }
  }
}

/** One resource of an `up`, as the engine does it: check, then create / diff+update / delete. */
async function upSlot(
  p: CometApiKeyProvider,
  state: Map<Slot, Entry>,
  slot: Slot,
  args: KeyArgs | null,
  t0: number,
): Promise<UpAction> {
  const entry = state.get(slot);
  if (!entry && !args) return "none";
  if (entry && !args) {
    await p.delete(entry.id, entry.outs);
    state.delete(slot);
    return "delete";
  }
  const news = { __logicalName: slot, ...resourceArgs(args as KeyArgs, t0) };
  const checked = await p.check(entry?.inputs ?? {}, news);
  expect(checked.failures, `check of slot ${slot}`).toEqual([]);
  if (!entry) {
    try {
      const { id, outs } = await p.create(checked.inputs);
      state.set(slot, { id, outs, inputs: checked.inputs });
    } catch (error) {
      const id = (error as { id?: unknown }).id;
      if (typeof id === "string") {
        const properties = (error as { properties?: Record<string, unknown> }).properties ?? {};
        state.set(slot, { id, outs: properties, inputs: checked.inputs });
      }
      throw error;
    }
    return "create";
  }
  const diff = await p.diff(entry.id, entry.outs, checked.inputs);
  if (!diff.changes) return "same";
  expect(diff.replaces, `slot ${slot}: no replacement`).toEqual([]);
  const { outs } = await p.update(entry.id, entry.outs, checked.inputs);
  state.set(slot, { id: entry.id, outs, inputs: checked.inputs });
  return "update";
}

/** Server and state against the model. */
async function checkAgainstModel(
  emu: RunningEmulator,
  model: KeyModel,
  state: Map<Slot, Entry>,
  fresh: Set<Slot>,
): Promise<void> {
  const server = await emu.control.keys();
  expect([...state.keys()].sort(), "resources in state").toEqual([...model.slots.keys()].sort());
  const expectedIds: string[] = [];
  for (const [slot, m] of model.slots) {
    const entry = state.get(slot) as Entry;
    const record = server.find((r) => String(r.id) === entry.id);
    if (!m.server) {
      expect(record, `slot ${slot}: deleted outside Pulumi`).toBeUndefined();
      continue;
    }
    expectedIds.push(entry.id);
    expect(record, `slot ${slot}: key ${entry.id} on the server`).toBeDefined();
    const rec = record as EmulatorKeyRecord;
    expect(sortedModels(asModel(rec)), `slot ${slot}: key ${entry.id} on the server`).toEqual(
      sortedModels(m.server),
    );
    expect(entry.outs.key, `slot ${slot}: the secret in state`).toBe(`sk-${rec.key}`);
    if (fresh.has(slot)) {
      expect(
        {
          status: entry.outs.status,
          remainingQuota: entry.outs.remainingQuota,
          usedQuota: entry.outs.usedQuota,
        },
        `slot ${slot}: what the provider reports`,
      ).toEqual({
        status: model.reported(m.server),
        remainingQuota: m.server.remain,
        usedQuota: m.server.used,
      });
    }
  }
  expect(server.map((r) => String(r.id)).sort(), "keys on the server (no stray, no duplicate)").toEqual(
    expectedIds.sort(),
  );
}
