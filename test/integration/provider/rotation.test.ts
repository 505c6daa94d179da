/**
 * Scheduled rotation against the emulator over real HTTP: the expiry follows the server's
 * `created_time`, and diff asks for a replacement exactly when the schedule is due by the
 * server's clock (the emulator's clock is moved; the local clock is not).
 */
import { describe, expect, it, vi } from "vitest";
import { toIso } from "../../../provider/shared/timestamp";
import { useEmulator } from "../../support/emulatorHooks";
import { apiRequests, createKey, testProvider, updateKey } from "../../support/providerHarness";

const DAY = 86_400;
const emu = useEmulator({ resetEach: true });

async function serverKey(id: string) {
  const record = (await emu.control.keys()).find((k) => k.id === Number(id));
  if (!record) throw new Error(`key ${id} is not on the server`);
  return record;
}

/** diff as the engine calls it after check, with stderr captured. */
async function diffAfterCheck(
  p: ReturnType<typeof testProvider>,
  id: string,
  olds: { outs: Record<string, unknown>; inputs: Record<string, unknown> },
  args: Record<string, unknown>,
) {
  const { inputs, failures } = await p.check(olds.inputs, { __logicalName: "test", ...args });
  expect(failures).toEqual([]);
  const stderr = vi.spyOn(console, "error").mockImplementation(() => {});
  try {
    const diff = await p.diff(id, olds.outs, inputs);
    return { diff, printed: stderr.mock.calls.map((c) => c.join(" ")) };
  } finally {
    stderr.mockRestore();
  }
}

/**
 * The expiry is `created_time + rotateAfter` by the server's clock, as the provider computed it
 * just before the create: a second may pass in between, within the provider's 60 s tolerance.
 */
function expectOnSchedule(record: { created_time: number; expired_time: number }): void {
  const scheduled = record.created_time + 30 * DAY;
  expect(record.expired_time).toBeLessThanOrEqual(scheduled);
  expect(record.expired_time).toBeGreaterThanOrEqual(scheduled - 60);
}

describe("scheduled rotation", () => {
  const args = { name: "rotating", quota: 1_000, rotateAfter: "30d", rotateBefore: "2d" };

  it("expires on the schedule and is replaced once due by the server's clock", async () => {
    // The server's clock runs 400 days ahead of the local one. The identity check before the
    // create is the provider's first answer: its Date header sets the clock, so the expiry sent
    // with the create is already right and needs no correcting update.
    await emu.control.advanceClock(400 * DAY);
    const p = testProvider(emu);
    await emu.control.resetCounts();
    const created = await createKey(p, args);
    const record = await serverKey(created.id);
    expectOnSchedule(record);
    expect(Object.entries(await apiRequests(emu)).filter(([route]) => route.startsWith("PUT "))).toEqual([]);
    expect(created.outs.expiresAt).toBe(toIso(record.expired_time));
    expect(created.outs.createdAt).toBe(toIso(record.created_time));
    const olds = { outs: created.outs, inputs: created.inputs };

    // Not due: no replacement, no change (the scheduled expiry is not a diff).
    expect((await diffAfterCheck(p, created.id, olds, args)).diff).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });

    await emu.control.advanceClock(28 * DAY - 120);
    expect((await diffAfterCheck(p, created.id, olds, args)).diff.replaces).toEqual([]);

    // 2 s past due: the server's clock is read from `Date` headers, whole seconds (±1 s).
    await emu.control.advanceClock(122);
    const due = await diffAfterCheck(p, created.id, olds, args);
    expect(due.diff).toEqual({ changes: true, replaces: ["rotateAfter"], deleteBeforeReplace: false });
    expect(due.printed).toHaveLength(1);
    expect(due.printed[0]).toBe(
      `rotation due for key "rotating": created ${toIso(record.created_time)}, rotateAfter 30d, rotateBefore 2d: ` +
        `due since ${toIso(record.created_time + 28 * DAY)} (server time ${due.printed[0]?.match(/server time (\S+)\)/)?.[1]}); ` +
        "replacing it with a new key (created first, the old one deleted at the end of the update)",
    );
    const serverTime = Date.parse(due.printed[0]?.match(/server time (\S+)\)/)?.[1] ?? "") / 1000;
    expect(serverTime - (record.created_time + 28 * DAY)).toBeGreaterThanOrEqual(0);
    expect(serverTime - (record.created_time + 28 * DAY)).toBeLessThan(60);

    // The replacement is a new key with its own creation time: not due again.
    const replacement = await createKey(p, args);
    const next = { outs: replacement.outs, inputs: replacement.inputs };
    expect((await diffAfterCheck(p, replacement.id, next, args)).diff.replaces).toEqual([]);
    // Its expiry came from the server's clock learnt by now: within a minute of created + 30d.
    const next30 = await serverKey(replacement.id);
    expect(Math.abs(next30.expired_time - next30.created_time - 30 * DAY)).toBeLessThanOrEqual(60);
  });

  it("a local clock ahead of the server's does not make a key due", async () => {
    // The server's clock runs 40 days behind the local one: by local time the key is 40 days old.
    await emu.control.advanceClock(-40 * DAY);
    const p = testProvider(emu);
    const created = await createKey(p, args);
    const record = await serverKey(created.id);
    expect(Math.floor(Date.now() / 1000) - record.created_time).toBeGreaterThan(39 * DAY);
    expectOnSchedule(record);
    const olds = { outs: created.outs, inputs: created.inputs };
    const quiet = await diffAfterCheck(p, created.id, olds, args);
    expect(quiet.diff.replaces).toEqual([]);
    expect(quiet.printed).toEqual([]);
    await emu.control.advanceClock(28 * DAY + 2);
    expect((await diffAfterCheck(p, created.id, olds, args)).diff.replaces).toEqual(["rotateAfter"]);
  });

  it("an update keeps the scheduled expiry, and a new rotateAfter moves it from the creation time", async () => {
    const p = testProvider(emu);
    const created = await createKey(p, args);
    const record = await serverKey(created.id);
    const olds = { outs: created.outs, inputs: created.inputs };

    const renamed = await updateKey(p, created.id, olds, { ...args, name: "renamed" });
    expect(await serverKey(created.id)).toMatchObject({ name: "renamed", expired_time: record.expired_time });
    expect(renamed.outs.expiresAt).toBe(toIso(record.expired_time));

    const longer = { ...args, name: "renamed", rotateAfter: "60d" };
    const { diff } = await diffAfterCheck(p, created.id, renamed, longer);
    expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    await updateKey(p, created.id, renamed, longer);
    expect((await serverKey(created.id)).expired_time).toBe(record.created_time + 60 * DAY);
  });

  it("keys without a schedule cost no request in diff; a rotating key one shared listing", async () => {
    const p = testProvider(emu);
    const plain = await createKey(p, { quota: 1_000 });
    await emu.control.resetCounts();
    await diffAfterCheck(p, plain.id, plain, { quota: 1_000 });
    expect(await apiRequests(emu)).toEqual({});

    const rotating = await createKey(p, args);
    await emu.control.resetCounts();
    await diffAfterCheck(p, rotating.id, rotating, args);
    expect(Object.values(await apiRequests(emu)).reduce((a, b) => a + b, 0)).toBe(1);
  });

  it("refuses bad schedules at check, naming the field and the rule", async () => {
    const p = testProvider(emu);
    const { failures } = await p.check({}, { quota: 1, rotateAfter: "30", rotateBefore: "1y" });
    expect(failures).toEqual([
      { property: "rotateAfter", reason: expect.stringMatching(/"30" is not a duration/) },
      { property: "rotateBefore", reason: expect.stringMatching(/unknown unit "y"/) },
    ]);
  });
});
