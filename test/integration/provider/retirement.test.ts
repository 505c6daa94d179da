/**
 * Retirement (`retireAfter`) against the emulator over real HTTP, at production defaults: a
 * replacement's delete retires the old key (it keeps working for the grace, then the server
 * refuses it), the successor's next update lists it and, once its grace is over, deletes it; a
 * destroy still deletes at once. The calls are made in the engine's order for a create-before-
 * delete replacement: check and create of the new key, then delete of the old one, in one process.
 */
import { describe, expect, it, vi } from "vitest";
import { toIso } from "../../../provider/shared/timestamp";
import { useEmulator } from "../../support/emulatorHooks";
import { callModel, createKey, productionProvider, updateKey } from "../../support/providerHarness";

const HOUR = 3_600;
const emu = useEmulator({ resetEach: true });

async function serverKey(id: string | number) {
  return (await emu.control.keys()).find((k) => k.id === Number(id));
}

/** Runs `fn` with the provider's stderr (the run's log) captured. */
async function logged<T>(fn: () => Promise<T>): Promise<{ value: T; printed: string[] }> {
  const stderr = vi.spyOn(console, "error").mockImplementation(() => {});
  try {
    const value = await fn();
    return { value, printed: stderr.mock.calls.map((c) => c.join(" ")) };
  } finally {
    stderr.mockRestore();
  }
}

describe("retirement of replaced keys", () => {
  const args = { name: "retiring", quota: 100_000, models: ["gpt-4o-mini"], retireAfter: "24h" };

  it("keeps a replaced key working for the grace, then the server refuses it and the next run deletes it", async () => {
    const run1 = productionProvider(emu);
    const old = await createKey(run1, args);
    expect((await callModel(emu, old.outs.key as string)).status).toBe(200);

    // The replacing run (a new provider process): the new key first, then the old one's delete.
    const run2 = productionProvider(emu);
    const { inputs } = await run2.check(old.inputs, { __logicalName: "test", ...args });
    const next = await run2.create(inputs);
    const { printed } = await logged(() => run2.delete(old.id, old.outs));
    const retired = await serverKey(old.id);
    expect(retired).toBeDefined();
    const now = await emu.control.now();
    expect(retired?.expired_time).toBeGreaterThanOrEqual(now + 24 * HOUR - 5);
    expect(retired?.expired_time).toBeLessThanOrEqual(now + 24 * HOUR + 5);
    expect(retired?.name).toBe(`retiring~r${next.id}`);
    expect(printed.join("\n")).toContain(
      `key ${old.id} retired (replaced by key ${next.id}, retireAfter 1d)`,
    );
    // Two valid keys during the grace: the old one for consumers that have not switched yet.
    expect((await callModel(emu, old.outs.key as string)).status).toBe(200);
    expect((await callModel(emu, next.outs.key as string)).status).toBe(200);

    // The next run lists the retired key while it lives (diff shows it; update records it).
    const run3 = productionProvider(emu);
    const current = { outs: next.outs, inputs };
    const check3 = await run3.check(inputs, { __logicalName: "test", ...args });
    expect((await run3.diff(next.id, next.outs, check3.inputs)).changes).toBe(true);
    const listed = await updateKey(run3, next.id, current, args);
    expect(listed.outs.retiredKeys).toEqual([
      { keyId: Number(old.id), retiresAt: toIso(retired?.expired_time as number) },
    ]);
    const quiet = await run3.check(listed.inputs, { __logicalName: "test", ...args });
    expect((await run3.diff(next.id, listed.outs, quiet.inputs)).changes).toBe(false);

    // Grace over: the server refuses the old key, with no run in between.
    await emu.control.advanceClock(24 * HOUR + 2);
    expect((await callModel(emu, old.outs.key as string)).status).toBe(401);
    expect((await callModel(emu, next.outs.key as string)).status).toBe(200);

    // The run after deletes it.
    const run4 = productionProvider(emu);
    const check4 = await run4.check(listed.inputs, { __logicalName: "test", ...args });
    expect((await run4.diff(next.id, listed.outs, check4.inputs)).changes).toBe(true);
    const cleaned = await updateKey(run4, next.id, listed, args);
    expect(cleaned.outs.retiredKeys).toBeUndefined();
    expect(await serverKey(old.id)).toBeUndefined();
    expect(await serverKey(next.id)).toBeDefined();
  });

  it("hands keys still in their grace to the next successor, so a second replacement before any listing loses none", async () => {
    const k1 = await createKey(productionProvider(emu), args);
    const runA = productionProvider(emu);
    const k2 = await runA.create((await runA.check(k1.inputs, { __logicalName: "test", ...args })).inputs);
    await logged(() => runA.delete(k1.id, k1.outs));
    // Replaced again at once: k1 (retired for k2, never listed yet) is handed to k3.
    const runB = productionProvider(emu);
    const check = await runB.check(k1.inputs, { __logicalName: "test", ...args });
    const k3 = await runB.create(check.inputs);
    await logged(() => runB.delete(k2.id, k2.outs));
    expect((await serverKey(k1.id))?.name).toBe(`retiring~r${k3.id}`);
    expect((await serverKey(k2.id))?.name).toBe(`retiring~r${k3.id}`);
    const listed = await updateKey(
      productionProvider(emu),
      k3.id,
      { outs: k3.outs, inputs: check.inputs },
      args,
    );
    expect((listed.outs.retiredKeys as { keyId: number }[]).map((k) => k.keyId)).toEqual([
      Number(k1.id),
      Number(k2.id),
    ]);
    // A destroy during the grace deletes the current key only; the retired ones expire on their own.
    await productionProvider(emu).delete(k3.id, listed.outs);
    expect(await serverKey(k3.id)).toBeUndefined();
    expect((await emu.control.keys()).map((k) => k.id)).toEqual([Number(k1.id), Number(k2.id)]);
    await emu.control.advanceClock(24 * HOUR + 2);
    expect((await callModel(emu, k1.outs.key as string)).status).toBe(401);
    expect((await callModel(emu, k2.outs.key as string)).status).toBe(401);
  });

  it("lists and deletes only the caller's own retired keys, even for a root token that sees every user's", async () => {
    await emu.control.setSwitches({ rootSeesAllKeys: true });
    const root = await emu.control.addUser({ root: true });
    const asRoot = productionProvider(emu, root);
    const mine = await createKey(asRoot, args);
    const now = await emu.control.now();
    // Another user's expired key that carries the marker of the root's key: never ours.
    const foreign = await emu.control.createKeyDirect(emu.userId, {
      name: `retiring~r${mine.id}`,
      expired_time: now - 10,
    });
    const updated = await updateKey(asRoot, mine.id, { outs: mine.outs, inputs: mine.inputs }, args);
    expect(updated.outs.retiredKeys).toBeUndefined();
    expect(await serverKey(foreign.id)).toBeDefined();
    await asRoot.delete(mine.id, updated.outs);
    expect(await serverKey(foreign.id)).toBeDefined();
  });

  it("never extends a key's life: the grace ends at the key's own expiry when that comes first", async () => {
    const run1 = productionProvider(emu);
    const clock = await emu.control.now();
    const expiresAt = toIso(clock + 2 * HOUR);
    const old = await createKey(run1, { ...args, expiresAt });
    const run2 = productionProvider(emu);
    const { inputs } = await run2.check(old.inputs, { __logicalName: "test", ...args, expiresAt });
    await run2.create(inputs);
    await logged(() => run2.delete(old.id, old.outs));
    expect((await serverKey(old.id))?.expired_time).toBe(clock + 2 * HOUR);
  });

  it("keeps retireAfter through a refresh: the program's wish, not something the server holds", async () => {
    const p = productionProvider(emu);
    const key = await createKey(p, args);
    const read = await p.read(key.id, key.outs);
    expect(read.inputs?.retireAfter).toBe("24h");
    expect(read.props?.retireAfter).toBe("24h");
    expect(await p.diff(key.id, read.props ?? {}, key.inputs)).toMatchObject({ changes: false });
  });

  it("deletes at once on a destroy (no new key in the run), and without retireAfter on a replacement", async () => {
    const run1 = productionProvider(emu);
    const destroyed = await createKey(run1, args);
    await productionProvider(emu).delete(destroyed.id, destroyed.outs);
    expect(await serverKey(destroyed.id)).toBeUndefined();

    const plain = { name: "plain", quota: 1_000 };
    const old = await createKey(run1, plain);
    const run2 = productionProvider(emu);
    const { inputs } = await run2.check(old.inputs, { __logicalName: "test", ...plain });
    await run2.create(inputs);
    await run2.delete(old.id, old.outs);
    expect(await serverKey(old.id)).toBeUndefined();
  });

  it("disables the old key at once when the service does not take the grace's end as its expiry, and the next run deletes it", async () => {
    // A build that cannot move a key's expiry on update: the answer shows the old expiry.
    await emu.control.setSwitches({ updateKeepsExpiry: true });
    const run1 = productionProvider(emu);
    const old = await createKey(run1, args);
    const run2 = productionProvider(emu);
    const { inputs } = await run2.check(old.inputs, { __logicalName: "test", ...args });
    const next = await run2.create(inputs);
    const { printed } = await logged(() => run2.delete(old.id, old.outs));
    expect(printed.join("\n")).toContain(`key ${old.id}: the service did not take`);
    const retired = await serverKey(old.id);
    expect(retired?.expired_time).toBe(-1);
    expect(retired?.status).toBe(2);
    // Never usable past a grace the server cannot end: it stops now, the successor works.
    expect((await callModel(emu, old.outs.key as string)).status).toBe(401);
    expect((await callModel(emu, next.outs.key as string)).status).toBe(200);

    const run3 = productionProvider(emu);
    const cleaned = await updateKey(run3, next.id, { outs: next.outs, inputs }, args);
    expect(cleaned.outs.retiredKeys).toBeUndefined();
    expect(await serverKey(old.id)).toBeUndefined();
  });

  it("refuses a grace that is not a duration of at least 1m, naming the field", async () => {
    const p = productionProvider(emu);
    for (const [value, reason] of [
      ["30s", '"30s" is shorter than 1m'],
      [24, "the number 24 (add a unit)"],
      ["1 day", "is not a duration"],
    ] as const) {
      const { failures } = await p.check({}, { __logicalName: "test", ...args, retireAfter: value });
      expect(failures).toHaveLength(1);
      expect(failures[0]?.property).toBe("retireAfter");
      expect(failures[0]?.reason).toContain(reason);
    }
  });
});
