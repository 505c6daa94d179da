/**
 * The built native plugin over gRPC against the emulator: the same calls, in the same order, as
 * the engine makes them (see the notes' "Native provider"), with the connection only from
 * Configure (a secret-wrapped token in the provider's args, no COMETAPI_* environment).
 */

import type { ServiceError } from "@grpc/grpc-js";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../../emulator/index";
import { empty, type NativePlugin, startNativePlugin, struct } from "../../support/nativePlugin";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const secret = (value: unknown) => ({ [SIG]: SECRET, value });
const URN = "urn:pulumi:dev::proj::cometapi:index:ApiKey::backend";
const TYPE = "cometapi:index:ApiKey";

let emu: RunningEmulator;
let plugin: NativePlugin;

beforeAll(async () => {
  emu = await startEmulator({ users: 2 });
  plugin = await startNativePlugin({
    COMETAPI_ACCESS_TOKEN: "",
    COMETAPI_BASE_URL: "",
    COMETAPI_USER_ID: "",
  });
});

afterAll(async () => {
  await plugin?.close();
  await emu?.close();
});

const js = (s: { toJavaScript(): unknown } | undefined) =>
  (s?.toJavaScript() ?? {}) as Record<string, unknown>;

function failures(r: proto.CheckResponse | proto.InvokeResponse) {
  return r.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() }));
}

async function configure(accessToken: string, userId = String(emu.userId)) {
  const req = new proto.ConfigureRequest()
    .setArgs(struct({ accessToken: secret(accessToken), baseUrl: emu.url, userId, version: "0.1.0" }))
    .setAcceptsecrets(true)
    .setAcceptresources(true);
  req.getVariablesMap().set("cometapi:config:baseUrl", emu.url);
  return plugin.call<proto.ConfigureResponse>("configure", req);
}

async function check(olds: Record<string, unknown>, news: Record<string, unknown>, proposedName?: string) {
  const req = new proto.CheckRequest().setUrn(URN).setType(TYPE).setName("backend");
  req.setOlds(struct(olds)).setNews(struct(news));
  if (proposedName !== undefined) {
    req.setAutonaming(
      new proto.CheckRequest.AutonamingOptions()
        .setProposedName(proposedName)
        .setMode(proto.CheckRequest.AutonamingOptions.Mode.PROPOSE),
    );
  }
  return plugin.call<proto.CheckResponse>("check", req);
}

/** Diff as the engine sends it: the resource's id, its old outputs and the checked new inputs. */
function diff(id: string, olds: Struct | undefined, news: Struct | undefined) {
  return plugin.call<proto.DiffResponse>(
    "diff",
    new proto.DiffRequest().setId(id).setUrn(URN).setOlds(olds).setNews(news),
  );
}

describe("the native plugin over gRPC", () => {
  it("tells its version and serves the schema of cometapi:index:ApiKey", async () => {
    const info = await plugin.call<PluginInfo>("getPluginInfo", empty());
    expect(info.getVersion()).toBe("0.1.0");
    const schema = JSON.parse(
      (await plugin.call<proto.GetSchemaResponse>("getSchema", new proto.GetSchemaRequest())).getSchema(),
    );
    expect(Object.keys(schema.resources)).toEqual([TYPE]);
    expect(schema.resources[TYPE].properties.key.secret).toBe(true);
    expect(Object.keys(schema.functions).sort()).toEqual([
      "cometapi:index:getAccount",
      "cometapi:index:getApiKey",
      "cometapi:index:getApiKeys",
      "cometapi:index:getGroups",
      "cometapi:index:getModels",
    ]);
  });

  it("CheckConfig names the setting and the rule", async () => {
    const r = await plugin.call<proto.CheckResponse>(
      "checkConfig",
      new proto.CheckRequest().setNews(struct({ baseUrl: "http://example.com", userId: "abc", tokn: "x" })),
    );
    const f = failures(r);
    expect(f.map((x) => x.property).sort()).toEqual(["baseUrl", "tokn", "userId"]);
    expect(f.find((x) => x.property === "baseUrl")?.reason).toMatch(/plain http/);
  });

  it("rotates a key on schedule by the server's clock: diff replaces it once the window opens", async () => {
    // Runs before any update in this plugin process: an update's listing would serve these diffs
    // for 30 s without a request, and the provider learns the server's clock from its answers
    // (in real use that clock does not jump by days between two diffs).
    await configure(emu.accessToken);
    const checked = await check(
      {},
      { quota: 1000, rotateAfter: "30d", rotateBefore: "3d" },
      "rotating-1a2b3c4",
    );
    expect(failures(checked)).toEqual([]);
    const created = await plugin.call<proto.CreateResponse>(
      "create",
      new proto.CreateRequest().setUrn(URN).setType(TYPE).setProperties(checked.getInputs()),
    );
    const diffNow = () => diff(created.getId(), created.getProperties(), checked.getInputs());
    expect((await diffNow()).getChanges()).toBe(proto.DiffResponse.DiffChanges.DIFF_NONE);
    // 26 days on the server's clock: inside the lifetime, before the 3-day window.
    await emu.control.advanceClock(26 * 86_400);
    expect((await diffNow()).getChanges()).toBe(proto.DiffResponse.DiffChanges.DIFF_NONE);
    // 28 days: inside the window, so the key is replaced.
    await emu.control.advanceClock(2 * 86_400);
    const due = await diffNow();
    expect(due.getChanges()).toBe(proto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(due.getReplacesList()).toEqual(["rotateAfter"]);
    await plugin.call(
      "delete",
      new proto.DeleteRequest().setId(created.getId()).setUrn(URN).setProperties(created.getProperties()),
    );
  });

  it("runs check → preview → create → read → diff → update → invoke → import → delete", async () => {
    const configured = await configure(emu.accessToken);
    expect(configured.getAcceptsecrets()).toBe(true);
    expect(configured.getSupportspreview()).toBe(true);

    // Check: the engine's default proposal (random suffix) gets a suffix from the URN, the same
    // whatever the engine proposes (a preview and the up after it agree); a secret input stays secret.
    const checked = await check(
      {},
      { quota: 3000, models: ["gpt-4o", secret("gpt-4o-mini")] },
      "backend-1a2b3c4",
    );
    expect(failures(checked)).toEqual([]);
    const inputs = js(checked.getInputs()) as Record<string, unknown>;
    expect(inputs.name).toMatch(/^backend-[0-9a-f]{7}$/);
    const again = js((await check({}, { quota: 3000 }, "backend-9f8e7d6")).getInputs());
    expect(again.name).toBe(inputs.name);
    // A name from another autonaming pattern is kept as the engine proposed it.
    const fromPattern = js((await check({}, { quota: 3000 }, "prod-backend")).getInputs());
    expect(fromPattern.name).toBe("prod-backend");
    // …and marked as such: a re-created resource may get another name (see unrecordedKeys.ts).
    expect(fromPattern.__namedByPattern).toBe(true);
    expect(inputs.__namedByPattern).toBeUndefined();
    expect(inputs.models).toEqual(secret(["gpt-4o", "gpt-4o-mini"]));

    // Preview of the create: what the service generates is unknown, no request is made.
    const total = (c: Record<string, { total: number }>) => Object.values(c).reduce((n, e) => n + e.total, 0);
    const reveals = (c: Record<string, { total: number }>) =>
      Object.entries(c)
        .filter(
          ([route]) => route.includes("key") && route.startsWith("POST") && !route.endsWith("/api/token/"),
        )
        .reduce((n, [, e]) => n + e.total, 0);
    const before = total(await emu.control.requestCounts());
    const preview = await plugin.call<proto.CreateResponse>(
      "create",
      new proto.CreateRequest().setUrn(URN).setType(TYPE).setProperties(checked.getInputs()).setPreview(true),
    );
    const previewed = js(preview.getProperties()) as Record<string, unknown>;
    for (const name of ["keyId", "key", "maskedKey", "status", "remainingQuota", "usedQuota", "createdAt"]) {
      expect(previewed[name], name).toBe(UNKNOWN);
    }
    expect(total(await emu.control.requestCounts())).toBe(before);

    const created = await plugin.call<proto.CreateResponse>(
      "create",
      new proto.CreateRequest().setUrn(URN).setType(TYPE).setProperties(checked.getInputs()),
    );
    const [stored] = await emu.control.keys();
    expect(created.getId()).toBe(String(stored?.id));
    const outs = js(created.getProperties()) as Record<string, unknown>;
    expect(outs.key).toEqual(secret(`sk-${stored?.key}`));
    expect(outs.maskedKey).toMatch(/^sk-.{4}\*{10}.{4}$/);
    expect(outs.remainingQuota).toBe(3000);

    // Refresh: Read with old outputs and inputs.
    const read = await plugin.call<proto.ReadResponse>(
      "read",
      new proto.ReadRequest()
        .setId(created.getId())
        .setUrn(URN)
        .setProperties(created.getProperties())
        .setInputs(checked.getInputs()),
    );
    expect((js(read.getProperties()) as Record<string, unknown>).key).toEqual(outs.key);

    // Diff: none, then a detailed one.
    const diffTo = (news: Record<string, unknown>) =>
      diff(created.getId(), created.getProperties(), struct(news));
    expect((await diffTo(inputs)).getChanges()).toBe(proto.DiffResponse.DiffChanges.DIFF_NONE);
    const next = (await check(inputs, { ...inputs, name: "backend-renamed", quota: 5000 })).getInputs();
    const changed = await diffTo(next?.toJavaScript() as Record<string, unknown>);
    expect(changed.getChanges()).toBe(proto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(changed.getHasdetaileddiff()).toBe(true);
    expect(changed.getDiffsList().sort()).toEqual(["name", "quota"]);
    expect(changed.getDetaileddiffMap().get("quota")?.getKind()).toBe(proto.PropertyDiff.Kind.UPDATE);
    expect(changed.getReplacesList()).toEqual([]);

    // Update preview: stable outputs kept, live ones unknown; then the update.
    const updatePreview = await plugin.call<proto.UpdateResponse>(
      "update",
      new proto.UpdateRequest()
        .setId(created.getId())
        .setUrn(URN)
        .setOlds(created.getProperties())
        .setNews(next)
        .setPreview(true),
    );
    const up = js(updatePreview.getProperties()) as Record<string, unknown>;
    expect(up.keyId).toBe(outs.keyId);
    expect(up.remainingQuota).toBe(UNKNOWN);
    const updated = await plugin.call<proto.UpdateResponse>(
      "update",
      new proto.UpdateRequest()
        .setId(created.getId())
        .setUrn(URN)
        .setOlds(created.getProperties())
        .setNews(next),
    );
    const after = js(updated.getProperties()) as Record<string, unknown>;
    expect(after.name).toBe("backend-renamed");
    expect(after.remainingQuota).toBe(5000);
    expect(after.key).toEqual(outs.key);

    // Lookups: masked only, no reveal.
    const revealsBefore = reveals(await emu.control.requestCounts());
    const listed = await plugin.call<proto.InvokeResponse>(
      "invoke",
      new proto.InvokeRequest()
        .setTok("cometapi:index:getApiKeys")
        .setArgs(struct({ namePrefix: "backend-" })),
    );
    const keys = (js(listed.getReturn()) as { keys: Record<string, unknown>[] }).keys;
    expect(keys.map((k) => k.name)).toEqual(["backend-renamed"]);
    expect(keys[0]?.maskedKey).toBe(outs.maskedKey);
    expect(JSON.stringify(keys)).not.toContain(String(stored?.key));
    const one = await plugin.call<proto.InvokeResponse>(
      "invoke",
      new proto.InvokeRequest()
        .setTok("cometapi:index:getApiKey")
        .setArgs(struct({ keyId: Number(created.getId()) })),
    );
    expect((js(one.getReturn()) as Record<string, unknown>).remainingQuota).toBe(5000);
    const bad = await plugin.call<proto.InvokeResponse>(
      "invoke",
      new proto.InvokeRequest().setTok("cometapi:index:getApiKeys").setArgs(struct({})),
    );
    expect(failures(bad)[0]?.property).toBe("name");
    expect(reveals(await emu.control.requestCounts())).toBe(revealsBefore);

    // Import: Read with only an id; its inputs pass Check and diff to nothing.
    const imported = await plugin.call<proto.ReadResponse>(
      "read",
      new proto.ReadRequest().setId(created.getId()).setUrn(URN),
    );
    const importedInputs = js(imported.getInputs()) as Record<string, unknown>;
    expect(importedInputs).toMatchObject({
      name: "backend-renamed",
      quota: 5000,
      models: ["gpt-4o", "gpt-4o-mini"],
    });
    expect((js(imported.getProperties()) as Record<string, unknown>).key).toEqual(outs.key);
    const rechecked = await check({}, importedInputs);
    expect(failures(rechecked)).toEqual([]);
    const importDiff = await diff(created.getId(), imported.getProperties(), rechecked.getInputs());
    expect(importDiff.getChanges()).toBe(proto.DiffResponse.DiffChanges.DIFF_NONE);

    await plugin.call(
      "delete",
      new proto.DeleteRequest().setId(created.getId()).setUrn(URN).setProperties(updated.getProperties()),
    );
    expect(await emu.control.keys()).toEqual([]);
    expect(plugin.output()).not.toContain(emu.accessToken);
  });

  it("a bad input fails check naming the field and the rule", async () => {
    await configure(emu.accessToken);
    const r = await check({}, { name: "x", quota: 1, unlimitedQuota: true });
    expect(failures(r)).toEqual([
      { property: "quota", reason: "cannot be combined with unlimitedQuota: true; set one of the two" },
    ]);
  });

  it("a key created whose value cannot be revealed comes back as an init failure carrying its id", async () => {
    await configure(emu.accessToken);
    for (const route of ["/api/token/:id/key", "/api/token/batch/keys"]) {
      await emu.control.injectFault({ method: "POST", route, kind: "business-error", times: 0 });
    }
    try {
      const checked = await check({}, { name: "unrevealed", quota: 10 });
      const error = await plugin
        .call(
          "create",
          new proto.CreateRequest().setUrn(URN).setType(TYPE).setProperties(checked.getInputs()),
        )
        .then(
          () => undefined,
          (e: ServiceError) => e,
        );
      const [stored] = (await emu.control.keys()).filter((k) => k.name === "unrevealed");
      expect(stored, "the key exists").toBeDefined();
      const details = error?.metadata.get("grpc-status-details-bin")[0] as Buffer | undefined;
      expect(details, "status details").toBeDefined();
      const any = Status.deserializeBinary(new Uint8Array(details as Buffer)).getDetailsList()[0];
      expect(any?.getTypeName()).toBe("pulumirpc.ErrorResourceInitFailed");
      const init = proto.ErrorResourceInitFailed.deserializeBinary(any?.getValue_asU8() as Uint8Array);
      expect(init.getId()).toBe(String(stored?.id));
      expect(js(init.getProperties()).name).toBe("unrevealed");
      expect(init.getReasonsList()[0]).toMatch(/the key exists, but a later step failed/);
      await plugin.call("delete", new proto.DeleteRequest().setId(init.getId()).setUrn(URN));
    } finally {
      await emu.control.clearFaults();
    }
  });
});

describe("CheckConfig and secrets (issue 21, cases 5 and 6)", () => {
  it("returns a token set in plain text as a secret, so the engine stores it encrypted", async () => {
    const r = await plugin.call<proto.CheckResponse>(
      "checkConfig",
      new proto.CheckRequest().setNews(struct({ accessToken: "plain-token-1234", baseUrl: emu.url })),
    );
    expect(failures(r)).toEqual([]);
    expect(js(r.getInputs())).toEqual({ accessToken: secret("plain-token-1234"), baseUrl: emu.url });
    const already = await plugin.call<proto.CheckResponse>(
      "checkConfig",
      new proto.CheckRequest().setNews(struct({ accessToken: secret("s-token") })),
    );
    expect(js(already.getInputs())).toEqual({ accessToken: secret("s-token") });
  });

  it("refuses a token a header cannot carry, naming the setting and never the token", async () => {
    const r = await plugin.call<proto.CheckResponse>(
      "checkConfig",
      new proto.CheckRequest().setNews(struct({ accessToken: secret("tok-SECRET-77\nx") })),
    );
    const f = failures(r);
    expect(f.map((x) => x.property)).toEqual(["accessToken"]);
    expect(f[0]?.reason).toMatch(/header cannot carry/);
    expect(f[0]?.reason).not.toContain("tok-SECRET-77");
  });
});

// Last: a cancelled plugin process stays cancelled (the engine starts no step after Cancel).
describe("Cancel (issue 21, case 3)", () => {
  it("after Cancel, a create is refused without a request and says the run was cancelled", async () => {
    await configure(emu.accessToken);
    await plugin.call("cancel", empty());
    await emu.control.resetCounts();
    const checked = await check({}, { name: "after-cancel", quota: 10 });
    const error = await plugin
      .call("create", new proto.CreateRequest().setUrn(URN).setType(TYPE).setProperties(checked.getInputs()))
      .then(
        () => undefined,
        (e: ServiceError) => e,
      );
    expect(error?.message).toMatch(/not sent, the run was cancelled/);
    expect(await emu.control.requestCounts()).toEqual({});
    expect(plugin.output()).not.toContain(emu.accessToken);
  });
});
