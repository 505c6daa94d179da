/**
 * An interrupted update never refunds (issue 21, case 4). A quota change 1000 → 2000 is applied
 * on the server, but the engine never records it (the CLI was killed while the answer was on its
 * way): the state still says quota 1000. The key is used (500). The next update to 2000, with or
 * without a refresh first, must leave remain + used = 2000: the usage charged in between stays
 * charged. Production defaults, real HTTP against the emulator.
 */
import { describe, expect, it } from "vitest";
import { useEmulator } from "../../support/emulatorHooks";
import { productionProvider } from "../../support/providerHarness";

const emu = useEmulator({ resetEach: true });

async function lostQuotaChange() {
  const provider = productionProvider(emu);
  const checked = await provider.check({}, { __logicalName: "api", name: "api", quota: 1000 });
  const created = await provider.create(checked.inputs);
  const news = (await provider.check(created.outs, { __logicalName: "api", name: "api", quota: 2000 }))
    .inputs;
  // Applied on the server; its outputs never reach the state.
  await provider.update(created.id, created.outs, news);
  await emu.control.chargeKey(Number(created.id), 500);
  // The next run is a new provider process.
  return { provider: productionProvider(emu), id: created.id, recorded: created.outs, news };
}

async function live(id: string) {
  const record = (await emu.control.keys()).find((k) => k.id === Number(id));
  return { remain: record?.remain_quota, used: record?.used_quota };
}

describe("a quota change applied but never recorded", () => {
  it("the next up keeps the usage charged in between (no refresh first)", async () => {
    const { provider, id, recorded, news } = await lostQuotaChange();
    expect(await live(id)).toEqual({ remain: 1500, used: 500 });
    const { outs } = await provider.update(id, recorded, news);
    expect(await live(id)).toEqual({ remain: 1500, used: 500 });
    expect(outs).toMatchObject({ quota: 2000, remainingQuota: 1500, usedQuota: 500 });
  });

  it("the next up keeps it after a refresh too", async () => {
    const { provider, id, recorded, news } = await lostQuotaChange();
    const refreshed = await provider.read(id, recorded);
    expect(refreshed.props).toMatchObject({ remainingQuota: 1500, usedQuota: 500 });
    await provider.update(id, refreshed.props as Record<string, unknown>, news);
    expect(await live(id)).toEqual({ remain: 1500, used: 500 });
  });

  it("a quota change that was recorded is still a fresh allotment", async () => {
    const provider = productionProvider(emu);
    const checked = await provider.check({}, { __logicalName: "api", name: "api", quota: 1000 });
    const created = await provider.create(checked.inputs);
    await emu.control.chargeKey(Number(created.id), 300);
    const next = productionProvider(emu);
    const refreshed = await next.read(created.id, created.outs);
    const news = (await next.check(created.outs, { __logicalName: "api", name: "api", quota: 2000 })).inputs;
    await next.update(created.id, refreshed.props as Record<string, unknown>, news);
    expect(await live(created.id)).toEqual({ remain: 2000, used: 300 });
  });
});
