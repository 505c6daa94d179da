/**
 * The account through the built native plugin over gRPC against the emulator: the lookups
 * `getModels`, `getGroups` and `getAccount` (Invoke), and Check failing a model typo with the
 * suggestion once Configure gave the connection, or not at all with `checkAccount: false`.
 */
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../../emulator/index";
import { type NativePlugin, startNativePlugin, struct } from "../../support/nativePlugin";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const URN = "urn:pulumi:dev::proj::cometapi:index:ApiKey::backend";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({
    groups: ["default", "vip=2", "auto"],
    models: ["gpt-4o", "gpt-4o-mini", "o1@vip"],
  });
});

afterAll(async () => {
  await emu?.close();
});

async function configuredPlugin(extra: Record<string, unknown> = {}): Promise<NativePlugin> {
  const plugin = await startNativePlugin({
    COMETAPI_ACCESS_TOKEN: "",
    COMETAPI_BASE_URL: "",
    COMETAPI_USER_ID: "",
  });
  await plugin.call<proto.ConfigureResponse>(
    "configure",
    new proto.ConfigureRequest()
      .setArgs(struct({ accessToken: { [SIG]: SECRET, value: emu.accessToken }, baseUrl: emu.url, ...extra }))
      .setAcceptsecrets(true),
  );
  return plugin;
}

async function invoke(plugin: NativePlugin, tok: string, args: Record<string, unknown> = {}) {
  const answer = await plugin.call<proto.InvokeResponse>(
    "invoke",
    new proto.InvokeRequest().setTok(tok).setArgs(struct(args)),
  );
  return answer.getReturn()?.toJavaScript() as Record<string, unknown>;
}

async function checkFailures(plugin: NativePlugin, news: Record<string, unknown>) {
  const req = new proto.CheckRequest().setUrn(URN).setType("cometapi:index:ApiKey").setName("backend");
  req.setOlds(struct({})).setNews(struct({ quota: 1000, ...news }));
  const answer = await plugin.call<proto.CheckResponse>("check", req);
  return answer.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() }));
}

describe("the native plugin knows the account", () => {
  it("serves getModels, getGroups and getAccount, and Check fails a typo with the suggestion", async () => {
    const plugin = await configuredPlugin();
    try {
      expect(await invoke(plugin, "cometapi:index:getModels")).toEqual({
        models: ["gpt-4o", "gpt-4o-mini", "o1"],
      });
      expect(await invoke(plugin, "cometapi:index:getModels", { group: "default" })).toEqual({
        models: ["gpt-4o", "gpt-4o-mini"],
      });
      expect(await invoke(plugin, "cometapi:index:getGroups")).toEqual({
        groups: [
          { name: "auto", description: expect.any(String) },
          { name: "default", ratio: 1, description: "default group" },
          { name: "vip", ratio: 2, description: "vip group" },
        ],
      });
      const account = await invoke(plugin, "cometapi:index:getAccount");
      expect(account).toEqual({
        userId: emu.userId,
        group: "default",
        quota: 50_000_000,
        usedQuota: 0,
        requestCount: 0,
      });
      expect(JSON.stringify(account)).not.toContain(emu.accessToken);

      expect(await checkFailures(plugin, { models: ["gpt-4o-mnii"], group: "default" })).toEqual([
        {
          property: "models",
          reason:
            'models[0] "gpt-4o-mnii" is not a model this account may use in group "default"; did you mean "gpt-4o-mini"?',
        },
      ]);
    } finally {
      await plugin.close();
    }
  });

  it("checks nothing against the account with checkAccount: false", async () => {
    const plugin = await configuredPlugin({ checkAccount: false });
    try {
      await emu.control.resetCounts();
      expect(await checkFailures(plugin, { models: ["gpt-4o-mnii"], group: "beta" })).toEqual([]);
      const routes = Object.keys(await emu.control.requestCounts());
      expect(routes).toEqual(["GET /api/user/self"]);
    } finally {
      await plugin.close();
    }
  });

  it("CheckConfig refuses a checkAccount that is not true or false, naming it", async () => {
    const plugin = await startNativePlugin({});
    try {
      const answer = await plugin.call<proto.CheckResponse>(
        "checkConfig",
        new proto.CheckRequest().setNews(struct({ checkAccount: "sometimes" })),
      );
      expect(answer.getFailuresList().map((f) => [f.getProperty(), f.getReason()])).toEqual([
        ["checkAccount", 'must be true or false, got "sometimes"'],
      ]);
      const fine = await plugin.call<proto.CheckResponse>(
        "checkConfig",
        new proto.CheckRequest().setNews(struct({ checkAccount: false })),
      );
      expect(fine.getFailuresList()).toEqual([]);
    } finally {
      await plugin.close();
    }
  });
});
