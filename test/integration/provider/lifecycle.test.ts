/**
 * The key lifecycle against the emulator over real HTTP, repeated under all 32 combinations of
 * the service-behaviour switches (user header, key masking, name limit, full update applying
 * status, group check): whichever build CometAPI runs, the provider must be right.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { ApiBusinessError, UnsatisfiableChangeError } from "../../../provider/index";
import { useEmulator } from "../../support/emulatorHooks";
import {
  apiRequests,
  behaviourCombinations,
  callModel,
  createKey,
  describeCombination,
  testProvider,
  updateKey,
} from "../../support/providerHarness";

const emu = useEmulator();

async function serverKey(id: string) {
  const record = (await emu.control.keys()).find((k) => k.id === Number(id));
  if (!record) throw new Error(`key ${id} is not on the server`);
  return record;
}

describe.each(behaviourCombinations())("with %s", (combo) => {
  beforeEach(async () => {
    await emu.control.reset();
    await emu.control.setSwitches({ ...combo, groups: ["default", "vip", "auto"] });
  });

  it(`creates with every field and ends disabled when asked [${describeCombination(combo)}]`, async () => {
    const p = testProvider(emu);
    const now = await emu.control.now();
    const { id, outs } = await createKey(p, {
      name: "billing-worker",
      expiresAt: now + 86_400,
      quota: 123_456,
      models: ["gpt-4o-mini", "gpt-4o"],
      allowIps: ["10.0.0.0/8", "203.0.113.7/32"],
      group: "vip",
      enabled: false,
    });
    const record = await serverKey(id);
    expect(record).toMatchObject({
      name: "billing-worker",
      expired_time: now + 86_400,
      remain_quota: 123_456,
      unlimited_quota: false,
      model_limits_enabled: true,
      group: "vip",
      cross_group_retry: false,
      status: 2,
    });
    expect(String(record.model_limits).split(",").sort()).toEqual(["gpt-4o", "gpt-4o-mini"]);
    expect(String(record.allow_ips).split("\n").sort()).toEqual(["10.0.0.0/8", "203.0.113.7"]);
    expect(outs).toMatchObject({
      keyId: record.id,
      key: `sk-${record.key}`,
      status: "disabled",
      enabled: false,
      remainingQuota: 123_456,
      // In the order written (the lists are sets), IPs canonical.
      models: ["gpt-4o-mini", "gpt-4o"],
      allowIps: ["10.0.0.0/8", "203.0.113.7"],
    });
    expect(outs.maskedKey).toBe(
      `sk-${String(record.key).slice(0, 4)}**********${String(record.key).slice(-4)}`,
    );
  });

  it("gives identical concurrent creates distinct ids and keys, revealing in batches", async () => {
    const p = testProvider(emu);
    await emu.control.resetCounts();
    const created = await Promise.all(
      Array.from({ length: 12 }, () => createKey(p, { name: "same", quota: 1_000, models: ["gpt-4o-mini"] })),
    );
    const ids = created.map((c) => c.id);
    expect(new Set(ids).size).toBe(12);
    const server = await emu.control.keys();
    expect(server).toHaveLength(12);
    for (const c of created) expect(c.outs.key).toBe(`sk-${(await serverKey(c.id)).key}`);
    const counts = await apiRequests(emu);
    expect(counts["POST /api/token/"]).toBe(12);
    const reveals = (counts["POST /api/token/batch/keys"] ?? 0) + (counts["POST /api/token/:id/key"] ?? 0);
    if (combo.maskKeys) {
      expect(reveals).toBeGreaterThanOrEqual(1);
      expect(reveals).toBeLessThanOrEqual(3);
    } else {
      expect(reveals).toBe(0);
    }
  });

  it("never shows usage as drift and keeps consumption across an update", async () => {
    const p = testProvider(emu);
    const key = await createKey(p, { quota: 10_000, models: ["gpt-4o-mini"] });
    const used = await callModel(emu, String(key.outs.key));
    expect(used.status).toBe(200);
    const read = await p.read(key.id, key.outs);
    expect(read.props?.remainingQuota).toBe(9_000);
    expect(read.props?.usedQuota).toBe(1_000);
    expect(read.props?.key).toBe(key.outs.key);
    expect((await p.diff(key.id, read.props ?? {}, key.inputs)).changes).toBe(false);

    const renamed = await updateKey(
      p,
      key.id,
      { outs: read.props ?? {}, inputs: key.inputs },
      {
        name: "renamed",
        quota: 10_000,
        models: ["gpt-4o-mini"],
      },
    );
    const record = await serverKey(key.id);
    expect(record.name).toBe("renamed");
    expect(record.remain_quota).toBe(9_000);
    expect(renamed.outs.remainingQuota).toBe(9_000);
    expect(renamed.outs.key).toBe(key.outs.key);
  });

  it("sets a new allotment when quota changes", async () => {
    const p = testProvider(emu);
    const key = await createKey(p, { quota: 10_000 });
    await emu.control.chargeKey(Number(key.id), 4_000);
    const diff = await p.diff(
      key.id,
      key.outs,
      (await p.check(key.inputs, { ...key.inputs, quota: 50_000 })).inputs,
    );
    expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    await updateKey(p, key.id, key, { quota: 50_000 });
    expect((await serverKey(key.id)).remain_quota).toBe(50_000);
  });

  it("leaves an overdrawn key's quota alone when only its status changes", async () => {
    const p = testProvider(emu);
    const key = await createKey(p, { quota: 1_000 });
    await emu.control.setSwitches({ statusFlips: "never" });
    await emu.control.chargeKey(Number(key.id), 1_500);
    await updateKey(p, key.id, key, { quota: 1_000, enabled: false });
    expect(await serverKey(key.id)).toMatchObject({ status: 2, remain_quota: -500 });
  });

  it("disables and enables with status-only updates, and a full update keeps the status", async () => {
    const p = testProvider(emu);
    const key = await createKey(p, { quota: 5_000 });
    const off = await updateKey(p, key.id, key, { quota: 5_000, enabled: false });
    expect((await serverKey(key.id)).status).toBe(2);
    expect(off.outs.status).toBe("disabled");
    const renamed = await updateKey(p, key.id, off, { name: "still-off", quota: 5_000, enabled: false });
    expect((await serverKey(key.id)).status).toBe(2);
    expect(renamed.outs.status).toBe("disabled");
    const on = await updateKey(p, key.id, renamed, { name: "still-off", quota: 5_000, enabled: true });
    expect((await serverKey(key.id)).status).toBe(1);
    expect(on.outs.status).toBe("enabled");
  });

  it("reports an expired key and revives it in one update once expiry moves forward", async () => {
    const p = testProvider(emu);
    const now = await emu.control.now();
    const key = await createKey(p, { quota: 5_000, expiresAt: now + 600 });
    await emu.control.advanceClock(1_200);
    const read = await p.read(key.id, key.outs);
    expect((await serverKey(key.id)).status).toBe(1); // the server has not noticed yet
    expect(read.props?.status).toBe("expired");
    expect((await callModel(emu, String(key.outs.key))).status).not.toBe(200);
    expect((await serverKey(key.id)).status).toBe(3); // flipped lazily by the use

    const stale = await p.check(key.inputs, { ...key.inputs, expiresAt: now + 900 });
    await expect(p.update(key.id, read.props ?? {}, stale.inputs)).rejects.toThrow(UnsatisfiableChangeError);
    await expect(p.update(key.id, read.props ?? {}, stale.inputs)).rejects.toThrow(/expiresAt/);
    expect((await serverKey(key.id)).status).toBe(3);

    const revived = await updateKey(
      p,
      key.id,
      { outs: read.props ?? {}, inputs: key.inputs },
      {
        quota: 5_000,
        expiresAt: now + 1_200 + 3_600,
      },
    );
    expect((await serverKey(key.id)).status).toBe(1);
    expect(revived.outs.status).toBe("enabled");
    expect((await callModel(emu, String(key.outs.key))).status).toBe(200);
  });

  it("revives an exhausted key when quota is raised", async () => {
    const p = testProvider(emu);
    const key = await createKey(p, { quota: 1_500 });
    await emu.control.chargeKey(Number(key.id), 1_500);
    expect((await callModel(emu, String(key.outs.key))).status).not.toBe(200);
    expect((await serverKey(key.id)).status).toBe(4);
    const read = await p.read(key.id, key.outs);
    expect(read.props?.status).toBe("exhausted");
    expect((await p.diff(key.id, read.props ?? {}, key.inputs)).changes).toBe(false);
    const topped = await updateKey(
      p,
      key.id,
      { outs: read.props ?? {}, inputs: key.inputs },
      { quota: 5_000 },
    );
    expect(await serverKey(key.id)).toMatchObject({ status: 1, remain_quota: 5_000 });
    expect(topped.outs.status).toBe("enabled");
  });

  it("reports out-of-band edits as drift and a deleted key as gone", async () => {
    const p = testProvider(emu);
    const key = await createKey(p, { quota: 5_000, models: ["gpt-4o-mini"] });
    await emu.control.editKey(Number(key.id), { name: "edited-in-console", model_limits: "gpt-4o" });
    const read = await p.read(key.id, key.outs);
    expect(read.props).toMatchObject({ name: "edited-in-console", models: ["gpt-4o"] });
    expect(read.inputs).toMatchObject({ name: "edited-in-console", models: ["gpt-4o"] });
    expect((await p.diff(key.id, read.props ?? {}, key.inputs)).changes).toBe(true);
    await p.delete(key.id, key.outs);
    await p.delete(key.id, key.outs); // already gone: still fine
    expect((await p.read(key.id, key.outs)).id).toBe("");
  });

  it("adopts an existing key and converges it to the declared arguments", async () => {
    const p = testProvider(emu);
    const existing = await emu.control.createKeyDirect(emu.userId, {
      name: "from-console",
      remain_quota: 777,
    });
    const adopted = await createKey(p, {
      name: "adopted",
      quota: 20_000,
      models: ["gpt-4o"],
      adoptKeyId: existing.id,
    });
    expect(adopted.id).toBe(String(existing.id));
    expect(await serverKey(adopted.id)).toMatchObject({
      name: "adopted",
      remain_quota: 20_000,
      model_limits: "gpt-4o",
    });
    expect(adopted.outs.key).toBe(`sk-${existing.key}`);
    expect(await emu.control.keys()).toHaveLength(1);
    await expect(createKey(p, { quota: 1, adoptKeyId: 999_999 })).rejects.toThrow(/adoptKeyId 999999/);
  });

  it(`applies the group rule of the build [${combo.groupCheck ? "refused" : "accepted"}]`, async () => {
    const p = testProvider(emu);
    const attempt = createKey(p, { quota: 1_000, group: "not-a-group" });
    if (combo.groupCheck) {
      await expect(attempt).rejects.toThrow(ApiBusinessError);
      expect(await emu.control.keys()).toHaveLength(0);
    } else {
      await expect(attempt).resolves.toMatchObject({ outs: { group: "not-a-group" } });
    }
  });
});
