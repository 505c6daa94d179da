/**
 * Keys a stopped run left (`provider/key/unrecordedKeys.ts`), through real HTTP at production defaults
 * on both server profiles. A "stopped run" is a provider process that created a key the engine
 * never recorded; the next run is a new process that checks and creates the same resource (same
 * auto-name seed), in the engine's order: check, diff (resources in the state), create, delete.
 */
import { describe, expect, it } from "vitest";
import type { EmulatorSwitches } from "../../../emulator/index";
import { UnrecordedKeysError } from "../../../provider/index";
import { autoName } from "../../../provider/key/inputs";
import { createCometApiKeyProvider } from "../../../provider/key/lifecycle";
import { useEmulator } from "../../support/emulatorHooks";
import { apiRequests, callModel, outcome } from "../../support/providerHarness";

const emu = useEmulator({ users: 2, resetEach: true });

const PROFILES: EmulatorSwitches["serverProfile"][] = ["new-api-2026-03", "upstream-2026-08"];

/** The SDK's seed for resource `name` of project `p`, stack `s`. */
const SEED = (name: string) => `p/s/${name}`;

/** A provider process at production defaults (as `as`), with the warnings it printed. */
function run(as: { accessToken: string; userId: number } = emu) {
  const warnings: string[] = [];
  const provider = createCometApiKeyProvider({
    connection: { baseUrl: emu.url, accessToken: as.accessToken, userId: as.userId },
    warn: (message) => warnings.push(message),
  });
  /** check then create of resource `name` that the state does not hold. */
  const create = async (name: string, args: Record<string, unknown>) => {
    const { inputs, failures } = await provider.check(
      {},
      { __logicalName: name, __autoNameSeed: SEED(name), ...args },
    );
    expect(failures).toEqual([]);
    return { ...(await provider.create(inputs)), inputs };
  };
  return { provider, warnings, create };
}

async function liveIds(): Promise<number[]> {
  return (await emu.control.keys()).map((k) => k.id).sort((a, b) => a - b);
}

describe.each(PROFILES)("keys a stopped run left, on %s", (serverProfile) => {
  const args = { quota: 1_000 };

  it("the re-created resource takes over the key with its auto-name instead of making a second one, and gives no usage back", async () => {
    await emu.control.setSwitches({ serverProfile });
    const stopped = await run().create("key0", args);
    // Usage charged just as the next run takes the key over (after its listing, before its read).
    await emu.control.injectFault({ method: "GET", route: "/api/token/:id", kind: "charge", quota: 300 });

    const next = run();
    const created = await next.create("key0", args);
    expect(created.id).toBe(stopped.id);
    expect(await liveIds()).toEqual([Number(stopped.id)]);
    expect(created.outs.key).toBe(stopped.outs.key);
    expect(created.outs).toMatchObject({ remainingQuota: 700, usedQuota: 300, quota: 1_000 });
    expect(next.warnings).toEqual([
      `key ${stopped.id} ("${autoName("key0", SEED("key0"))}") was created by a run that stopped before Pulumi ` +
        'recorded it; resource "key0" takes it over instead of creating a second key',
    ]);
  });

  it("a used key with the auto-name (another backend's stack of the same names) is left alone: a new key, with a warning naming it", async () => {
    await emu.control.setSwitches({ serverProfile });
    const theirs = await run().create("key0", args);
    expect((await callModel(emu, theirs.outs.key as string)).status).toBe(200);
    const next = run();
    const mine = await next.create("key0", args);
    expect(mine.id).not.toBe(theirs.id);
    expect(await liveIds()).toEqual([Number(theirs.id), Number(mine.id)]);
    expect(next.warnings).toHaveLength(1);
    expect(next.warnings[0]).toContain(`(key ${theirs.id}). A new key is created, as that key has been used`);
  });

  it("several resources of one run each take over their own key, with one listing for all", async () => {
    await emu.control.setSwitches({ serverProfile });
    const stopped = run();
    const left = await Promise.all(["a", "b", "c"].map((n) => stopped.create(n, args)));
    await emu.control.resetCounts();
    const next = run();
    const taken = await Promise.all(["a", "b", "c"].map((n) => next.create(n, args)));
    expect(taken.map((t) => t.id)).toEqual(left.map((l) => l.id));
    expect(await liveIds()).toHaveLength(3);
    // Who the caller is, one listing (which also serves as the id resolver's baseline), a GET per
    // key taken over (its live usage just before), and one reveal batch.
    const requests = await apiRequests(emu);
    expect(requests["GET /api/token/"]).toBe(1);
    expect(requests["POST /api/token/"]).toBeUndefined();
  });

  it("a create-before-delete replacement whose old key the diff named still makes a new key", async () => {
    await emu.control.setSwitches({ serverProfile });
    const first = await run().create("key0", args);
    const next = run();
    const news = { __logicalName: "key0", __autoNameSeed: SEED("key0"), quota: 2_000 };
    const { inputs } = await next.provider.check(first.inputs, news);
    await next.provider.diff(first.id, first.outs, inputs);
    const replacement = await next.provider.create(inputs);
    expect(replacement.id).not.toBe(first.id);
    await next.provider.delete(first.id, first.outs);
    expect(await liveIds()).toEqual([Number(replacement.id)]);
    expect(next.warnings).toEqual([]);
  });

  it("a replacement that stopped after its create: the next run's replacement takes over that key, then deletes the old one", async () => {
    await emu.control.setSwitches({ serverProfile });
    const first = await run().create("key0", args);
    const news = { __logicalName: "key0", __autoNameSeed: SEED("key0"), quota: 2_000 };
    // The stopped run: check, diff and create of the replacement, never recorded.
    const stopped = run();
    const { inputs } = await stopped.provider.check(first.inputs, news);
    await stopped.provider.diff(first.id, first.outs, inputs);
    const made = await stopped.provider.create(inputs);
    // The next run does the same replacement.
    const next = run();
    const checked = await next.provider.check(first.inputs, news);
    await next.provider.diff(first.id, first.outs, checked.inputs);
    const replacement = await next.provider.create(checked.inputs);
    expect(replacement.id).toBe(made.id);
    await next.provider.delete(first.id, first.outs);
    expect(await liveIds()).toEqual([Number(made.id)]);
    expect(next.warnings.join("\n")).toContain(`key ${made.id} (`);
  });

  it("a replacement whose old key no diff named (`pulumi up --replace`) creates as before", async () => {
    await emu.control.setSwitches({ serverProfile });
    const first = await run().create("key0", args);
    const next = run();
    const { inputs } = await next.provider.check(first.inputs, {
      __logicalName: "key0",
      __autoNameSeed: SEED("key0"),
      ...args,
    });
    const replacement = await next.provider.create(inputs);
    expect(replacement.id).not.toBe(first.id);
    await next.provider.delete(first.id, first.outs);
    expect(await liveIds()).toEqual([Number(replacement.id)]);
    expect(next.warnings).toEqual([]);
  });

  it("an interrupted `pulumi up --replace`: the next one creates (its old key is not named), and warns with the ids of the keys with this name", async () => {
    await emu.control.setSwitches({ serverProfile });
    const first = await run().create("key0", args);
    const news = { __logicalName: "key0", __autoNameSeed: SEED("key0"), ...args };
    // The stopped run: check and create of the replacement (no diff: --replace), never recorded.
    const stopped = run();
    const made = await stopped.provider.create((await stopped.provider.check(first.inputs, news)).inputs);
    const next = run();
    const replacement = await next.provider.create((await next.provider.check(first.inputs, news)).inputs);
    expect(replacement.id).not.toBe(first.id);
    expect(replacement.id).not.toBe(made.id);
    const warning = next.warnings.join("\n");
    expect(warning).toContain(`key ${first.id}, key ${made.id}`);
    expect(warning).toMatch(/delete the keys this stack does not hold/);
    await next.provider.delete(first.id, first.outs);
    expect(await liveIds()).toEqual([Number(made.id), Number(replacement.id)]);
  });

  it("a name from a random autonaming pattern (another per run): the create goes on and warns with the never-used keys of the same settings", async () => {
    await emu.control.setSwitches({ serverProfile });
    const news = { __logicalName: "key0", __autoNameSeed: SEED("key0"), quota: 1_234, models: ["gpt-4o"] };
    // The stopped run: the engine drew one name from the pattern; its key was never recorded.
    const stopped = run();
    const first = await stopped.provider.check({}, news, { proposedName: "key0-aa11bb", fromPattern: true });
    const made = await stopped.provider.create(first.inputs);
    // A key of other settings, and the next run, whose pattern drew another name.
    await run().create("other", { quota: 99 });
    const next = run();
    const checked = await next.provider.check({}, news, { proposedName: "key0-cc22dd", fromPattern: true });
    const created = await next.provider.create(checked.inputs);
    expect(created.id).not.toBe(made.id);
    const warning = next.warnings.join("\n");
    expect(warning).toContain(`key ${made.id} "key0-aa11bb"`);
    expect(warning).toContain(`adoptKeyId: ${made.id}`);
    expect(warning).not.toMatch(/"other-/);
  });

  it("several keys with the auto-name: nothing is created, the error names every id and how to keep one", async () => {
    await emu.control.setSwitches({ serverProfile });
    const name = autoName("key0", SEED("key0"));
    const a = await emu.control.createKeyDirect(emu.userId, { name, remain_quota: 1_000 });
    const b = await emu.control.createKeyDirect(emu.userId, { name, remain_quota: 1_000 });
    const result = await outcome(run().create("key0", args));
    expect(result.ok).toBe(false);
    const error = (result as { error: Error }).error;
    expect(error).toBeInstanceOf(UnrecordedKeysError);
    expect(error.message).toContain(`(ids ${a.id}, ${b.id})`);
    expect(error.message).toContain(`\`adoptKeyId: ${a.id}\``);
    expect(error.message).toContain(`\`pulumi import cometapi:index:ApiKey key0 ${a.id}\``);
    expect(await liveIds()).toEqual([a.id, b.id]);
  });

  it("an explicit name that a key outside the stack carries: the create goes on, with a warning naming that key", async () => {
    await emu.control.setSwitches({ serverProfile });
    const other = await run().create("shared", { ...args, name: "team-key" });
    const next = run();
    const mine = await next.create("shared", { ...args, name: "team-key" });
    expect(mine.id).not.toBe(other.id);
    expect(await liveIds()).toEqual([Number(other.id), Number(mine.id)]);
    expect(next.warnings).toHaveLength(1);
    expect(next.warnings[0]).toContain(`(key ${other.id})`);
    expect(next.warnings[0]).toContain(`\`adoptKeyId: ${other.id}\``);
  });

  it("keys this process created or adopted are not left keys: one program's resources sharing an explicit name", async () => {
    await emu.control.setSwitches({ serverProfile });
    const one = run();
    const first = await one.create("x", { ...args, name: "same" });
    const second = await one.create("y", { ...args, name: "same" });
    expect(first.id).not.toBe(second.id);
    expect(one.warnings).toEqual([]);
  });

  it("never takes over another user's key, even for a root token that sees every user's keys", async () => {
    await emu.control.setSwitches({ serverProfile, rootSeesAllKeys: true });
    const root = await emu.control.addUser({ root: true });
    const theirs = await run().create("key0", args);
    const next = run(root);
    const mine = await next.create("key0", args);
    expect(mine.id).not.toBe(theirs.id);
    expect(await liveIds()).toEqual([Number(theirs.id), Number(mine.id)]);
    expect(next.warnings).toEqual([]);
  });
});
