/**
 * `autoGroups` end to end through real HTTP against the emulator, at production defaults: check
 * (the rules, the account), create, diff (a reorder is a change), update, read, refresh, import,
 * the lookups, on the build that has the field (`upstream-2026-08`) and the build that does not
 * (`new-api-2026-03`: a clear error, the key kept in state, no perpetual diff).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../../emulator/index";
import { KeyInitializationError, UnsupportedFieldError } from "../../../provider/errors";
import { createCometApiKeyProvider } from "../../../provider/key/lifecycle";
import { getApiKey, getApiKeys } from "../../../provider/key/lookups";
import { createKey, outcome, productionProvider, updateKey } from "../../support/providerHarness";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator();
});

afterEach(async () => {
  await emu.control.reset();
});

afterAll(async () => {
  await emu?.close();
});

describe("autoGroups on a build that has auto_groups", () => {
  it("creates, reads, refreshes, imports and looks up the list in the order written", async () => {
    const p = productionProvider(emu);
    const created = await createKey(p, {
      name: "routed",
      quota: 1_000,
      group: "auto",
      autoGroups: ["vip", "default"],
    });
    expect(created.outs.autoGroups).toEqual(["vip", "default"]);
    const [stored] = await emu.control.keys();
    expect(stored?.auto_groups).toEqual(["vip", "default"]);

    const refreshed = await p.read(created.id, created.outs);
    expect(refreshed.props?.autoGroups).toEqual(["vip", "default"]);
    expect(refreshed.inputs?.autoGroups).toEqual(["vip", "default"]);
    const imported = await productionProvider(emu).read(created.id);
    expect(imported.inputs?.autoGroups).toEqual(["vip", "default"]);

    const one = await getApiKey(p.client(), created.id);
    expect(one.autoGroups).toEqual(["vip", "default"]);
    const keys = await getApiKeys(p.client(), { name: "routed" });
    expect(keys.map((k) => k.autoGroups)).toEqual([["vip", "default"]]);
  });

  it("diffs a reorder as a change and updates the server's order", async () => {
    const p = productionProvider(emu);
    const created = await createKey(p, {
      name: "routed",
      quota: 1_000,
      group: "auto",
      autoGroups: ["vip", "default"],
    });
    const reordered = { name: "routed", quota: 1_000, group: "auto", autoGroups: ["default", "vip"] };
    const { inputs } = await p.check(created.inputs, { __logicalName: "test", ...reordered });
    expect((await p.detailedDiff(created.id, created.outs, inputs)).diffs).toEqual(["autoGroups"]);
    const same = await p.check(created.inputs, {
      __logicalName: "test",
      ...reordered,
      autoGroups: ["vip", "default"],
    });
    expect((await p.detailedDiff(created.id, created.outs, same.inputs)).changes).toBe(false);

    const updated = await updateKey(p, created.id, created, reordered);
    expect(updated.outs.autoGroups).toEqual(["default", "vip"]);
    expect((await emu.control.keys())[0]?.auto_groups).toEqual(["default", "vip"]);
    const cleared = await updateKey(p, created.id, updated, { ...reordered, autoGroups: [] });
    expect(cleared.outs.autoGroups).toEqual([]);
    expect((await emu.control.keys())[0]?.auto_groups).toBeNull();
  });

  it("shows a console reorder as drift on refresh", async () => {
    const p = productionProvider(emu);
    const created = await createKey(p, {
      name: "routed",
      quota: 1_000,
      group: "auto",
      autoGroups: ["vip", "default"],
    });
    await emu.control.editKey(Number(created.id), { auto_groups: ["default", "vip"] });
    const refreshed = await p.read(created.id, created.outs);
    expect(refreshed.inputs?.autoGroups).toEqual(["default", "vip"]);
    const diff = await p.detailedDiff(created.id, refreshed.props ?? {}, created.inputs);
    expect(diff.diffs).toEqual(["autoGroups"]);
  });
});

describe("check of autoGroups", () => {
  it("names the field and the rule: repeats, a group other than auto, auto itself", async () => {
    const p = productionProvider(emu);
    const check = (args: Record<string, unknown>) =>
      p.check({}, { __logicalName: "k", quota: 1_000, group: "auto", ...args });
    expect((await check({ autoGroups: ["vip", "vip"] })).failures).toEqual([
      { property: "autoGroups", reason: 'autoGroups[1] "vip" repeats autoGroups[0]; list each entry once' },
    ]);
    expect((await check({ group: "vip", autoGroups: ["vip"] })).failures).toEqual([
      {
        property: "autoGroups",
        reason: 'only works with group "auto" (group is "vip"); set group: "auto" or drop autoGroups',
      },
    ]);
    expect((await check({ autoGroups: ["auto"] })).failures).toEqual([
      { property: "autoGroups", reason: 'autoGroups[0] is "auto"; list the groups auto chooses from' },
    ]);
    expect((await check({ autoGroups: "vip" })).failures).toEqual([
      { property: "autoGroups", reason: 'must be a list of strings, got the string "vip"' },
    ]);
    expect(await emu.control.keys()).toEqual([]);
  });

  it("refuses a group the account may not select before any write, naming the closest", async () => {
    const p = createCometApiKeyProvider({
      connection: { baseUrl: emu.url, accessToken: emu.accessToken, userId: emu.userId },
    });
    await p.configure({ config: { get: () => undefined } });
    const { failures } = await p.check(
      {},
      { __logicalName: "k", quota: 1_000, group: "auto", autoGroups: ["vpi"] },
    );
    expect(failures).toEqual([
      {
        property: "autoGroups",
        reason:
          'autoGroups[0] "vpi" is not a group this account may select; did you mean "vip"? (selectable: default, vip)',
      },
    ]);
    expect(await emu.control.keys()).toEqual([]);
  });
});

describe("autoGroups on a build without auto_groups (new-api-2026-03)", () => {
  it("fails the create with UnsupportedFieldError, keeps the key in state as the server holds it, and the next run tries again", async () => {
    await emu.control.setSwitches({ serverProfile: "new-api-2026-03" });
    const p = productionProvider(emu);
    const { inputs } = await p.check(
      {},
      { __logicalName: "k", name: "old", quota: 1_000, group: "auto", autoGroups: ["vip"] },
    );
    const created = await outcome(p.create(inputs));
    expect(created.ok).toBe(false);
    const error = (created as { error: unknown }).error as KeyInitializationError;
    expect(error).toBeInstanceOf(KeyInitializationError);
    expect(error.cause).toBeInstanceOf(UnsupportedFieldError);
    expect(error.message).toContain("autoGroups: this server build does not support this field");
    expect(error.message).toContain("`auto_groups`");
    const [stored] = await emu.control.keys();
    expect(error.id).toBe(String(stored?.id));
    expect(error.properties.autoGroups).toEqual([]);
    expect(await emu.control.keys()).toHaveLength(1);

    // The state says what the server holds: the next run shows the change and fails the same way.
    const diff = await p.detailedDiff(error.id, error.properties, inputs);
    expect(diff.diffs).toEqual(["autoGroups"]);
    const again = await outcome(p.update(error.id, error.properties, inputs));
    expect((again as { error: unknown }).error).toBeInstanceOf(KeyInitializationError);
    expect(((again as { error: KeyInitializationError }).error.cause as Error).name).toBe(
      "UnsupportedFieldError",
    );
    expect((again as { error: KeyInitializationError }).error.properties.autoGroups).toEqual([]);

    // Without it, the key converges and nothing differs afterwards.
    const without = (await p.check(inputs, { __logicalName: "k", name: "old", quota: 1_000, group: "auto" }))
      .inputs;
    const { outs } = await p.update(error.id, error.properties, without);
    expect(outs.autoGroups).toEqual([]);
    expect((await p.detailedDiff(error.id, outs, without)).changes).toBe(false);
    const refreshed = await p.read(error.id, outs);
    expect((await p.detailedDiff(error.id, refreshed.props ?? {}, without)).changes).toBe(false);
    expect(await emu.control.keys()).toHaveLength(1);
  });

  it("creates and reads keys that leave autoGroups empty as before", async () => {
    await emu.control.setSwitches({ serverProfile: "new-api-2026-03" });
    const p = productionProvider(emu);
    const created = await createKey(p, { name: "plain", quota: 1_000, group: "auto" });
    expect(created.outs.autoGroups).toEqual([]);
    expect((await p.read(created.id, created.outs)).inputs?.autoGroups).toEqual([]);
  });
});
