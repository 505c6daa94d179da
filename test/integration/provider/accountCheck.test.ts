/**
 * Check knows the account, through real HTTP against the emulator at production defaults: a typo
 * in `models` and an unknown `group` fail check before any write, naming the closest ids, all at
 * once; every list is asked once per provider process however many keys are checked; a list that
 * cannot be had (a fault, an older server without the routes) gives one warning and the local
 * checks only; `cometapi:checkAccount false` asks nothing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../../emulator/index";
import { UNKNOWN } from "../../../provider/key/inputs";
import { type CometApiKeyProvider, createCometApiKeyProvider } from "../../../provider/key/lifecycle";
import { apiRequests } from "../../support/providerHarness";

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

/** A provider at production defaults, configured as the engine does (`config`: stack config). */
async function configuredProvider(
  config: Record<string, string> = {},
): Promise<{ provider: CometApiKeyProvider; warnings: string[] }> {
  const warnings: string[] = [];
  const provider = createCometApiKeyProvider({
    connection: { baseUrl: emu.url, accessToken: emu.accessToken, userId: emu.userId },
    warn: (message) => warnings.push(message),
  });
  await provider.configure({ config: { get: (key) => config[key] } });
  return { provider, warnings };
}

function check(provider: CometApiKeyProvider, args: Record<string, unknown>) {
  return provider.check({}, { __logicalName: "k", quota: 1000, ...args });
}

describe("check against the account", () => {
  it("fails a model typo and an unknown group before any write, with suggestions, all at once", async () => {
    const { provider, warnings } = await configuredProvider();
    await emu.control.resetCounts();
    const typo = await check(provider, { models: ["gpt-4o", "gpt-4o-mnii"], allowIps: ["10.0.0.1/8"] });
    expect(typo.failures).toEqual([
      { property: "allowIps", reason: expect.stringContaining("allowIps[0]") },
      {
        property: "models",
        reason:
          'models[1] "gpt-4o-mnii" is not a model this account may use in any of its groups; did you mean "gpt-4o-mini"?',
      },
    ]);
    const group = await check(provider, { models: ["gpt-4o-mnii"], group: "vpi" });
    expect(group.failures).toEqual([
      {
        property: "group",
        reason:
          '"vpi" is not a group this account may use; did you mean "vip"? (usable groups: default, vip, auto)',
      },
    ]);
    const counts = await apiRequests(emu);
    expect(Object.keys(counts).filter((route) => !route.startsWith("GET "))).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it("checks a key's models in its group: a model only another group offers fails", async () => {
    await emu.control.setSwitches({ models: ["gpt-4o", "o1@vip"] });
    const { provider } = await configuredProvider();
    expect((await check(provider, { models: ["o1"], group: "vip" })).failures).toEqual([]);
    const outside = await check(provider, { models: ["o1"], group: "default" });
    expect(outside.failures).toEqual([
      { property: "models", reason: 'models[0] "o1" is not a model this account may use in group "default"' },
    ]);
  });

  it("asks each list once per provider process, shared by every key; values unknown at preview wait for up", async () => {
    const { provider } = await configuredProvider();
    await emu.control.resetCounts();
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        check(provider, { models: ["gpt-4o-mini"], group: i % 2 ? "vip" : "" }),
      ),
    );
    expect(await check(provider, { models: [UNKNOWN, "gpt-4o"], group: UNKNOWN })).toMatchObject({
      failures: [],
    });
    const counts = await apiRequests(emu);
    expect(counts).toEqual({
      "GET /api/user/self": 1,
      "GET /api/user/self/groups": 1,
      "GET /api/user/models": 2, // all groups, and vip
    });
  });

  it("goes on with the local checks and warns once when the lists fail", async () => {
    for (const route of ["/api/user/models", "/api/user/self/groups"]) {
      await emu.control.injectFault({ method: "GET", route, kind: "status", status: 500, times: 0 });
    }
    const { provider, warnings } = await configuredProvider();
    for (const group of ["vpi", "", "default"]) {
      const checked = await check(provider, { models: ["gpt-4o-mnii"], group });
      expect(checked.failures).toEqual([]);
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not read which models and groups this account may use \(.*500/);
    expect(warnings[0]).not.toContain(emu.accessToken);
    const created = await provider.create((await check(provider, { models: ["gpt-4o-mini"] })).inputs);
    expect(created.id).toMatch(/^\d+$/);
  });

  it("on an older server without the routes: one warning, local checks only, the key is made", async () => {
    await emu.control.setSwitches({ accountRoutes: false, serverProfile: "new-api-2026-03" });
    const { provider, warnings } = await configuredProvider();
    await emu.control.resetCounts();
    const checked = await check(provider, { models: ["gpt-4o-mnii", "gpt-4o"], group: "vpi" });
    expect(checked.failures).toEqual([]);
    expect((await check(provider, { models: ["x y"] })).failures).toEqual([
      { property: "models", reason: expect.stringContaining("white space") },
    ]);
    expect(warnings).toEqual([expect.stringContaining("HTTP 404")]);
    expect(await apiRequests(emu)).toEqual({ "GET /api/user/self": 1 });
    const counts = await emu.control.requestCounts();
    expect(counts["GET <unknown>"]?.total).toBe(1); // the groups list, once: its 404 ends the asking
    const created = await provider.create(checked.inputs);
    expect(created.outs).toMatchObject({ group: "vpi", models: ["gpt-4o-mnii", "gpt-4o"] });
  });

  it("asks nothing when cometapi:checkAccount is false (a model about to be enabled)", async () => {
    const { provider, warnings } = await configuredProvider({ "cometapi:checkAccount": "false" });
    await emu.control.resetCounts();
    expect((await check(provider, { models: ["gpt-5-preview"], group: "beta" })).failures).toEqual([]);
    expect(await apiRequests(emu)).toEqual({ "GET /api/user/self": 1 });
    expect(warnings).toEqual([]);
    const bad = await configuredProvider({ "cometapi:checkAccount": "sometimes" });
    await expect(check(bad.provider, {})).rejects.toThrow(/cometapi:checkAccount .* must be true or false/);
  });
});
