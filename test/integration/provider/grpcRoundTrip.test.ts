/**
 * The SDK's serialized loader through `@pulumi/pulumi`'s real dynamic-provider gRPC server:
 * configure → check → create → read → diff → update → delete, with the connection coming only
 * from configure (stack config), as in a real `pulumi up`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../../emulator/index";
import {
  type DynamicProviderServer,
  serializeBuiltProviderLoader,
  startDynamicProviderServer,
} from "../../support/dynamicProviderServer";

let emu: RunningEmulator;
let server: DynamicProviderServer;
let providerText: string;

beforeAll(async () => {
  emu = await startEmulator();
  providerText = await serializeBuiltProviderLoader();
  // No COMETAPI_* variables: the connection must come from configure().
  const env = { COMETAPI_ACCESS_TOKEN: "", COMETAPI_BASE_URL: "", COMETAPI_USER_ID: "" };
  server = await startDynamicProviderServer({ providerText, cwd: process.cwd(), env });
  await server.configure({
    "cometapi:accessToken": emu.accessToken,
    "cometapi:baseUrl": emu.url,
    "cometapi:userId": String(emu.userId),
  });
});

afterAll(async () => {
  await server?.close();
  await emu?.close();
});

describe("serialized provider through the dynamic-provider gRPC server", () => {
  it("is a small loader that holds no implementation and no credentials", () => {
    expect(Buffer.byteLength(providerText)).toBeLessThanOrEqual(3 * 1024);
    expect(providerText).toContain("pulumi-cometapi/provider");
    expect(providerText).not.toContain("listKeys");
    expect(providerText).not.toContain(emu.accessToken);
  });

  it("runs the whole lifecycle with the connection from configure()", async () => {
    const checked = await server.check(
      {},
      { __logicalName: "grpc", quota: 2000, models: ["gpt-4o-mini", "gpt-4o"] },
    );
    expect(checked.failures).toEqual([]);
    expect(checked.inputs.name).toMatch(/^grpc-[0-9a-f]{7}$/);

    const created = await server.create(checked.inputs);
    const [stored] = await emu.control.keys();
    expect(created.id).toBe(String(stored?.id));
    expect(created.properties.key).toBe(`sk-${stored?.key}`);
    expect(created.properties.remainingQuota).toBe(2000);

    const read = await server.read(created.id, created.properties);
    expect(read.id).toBe(created.id);
    expect(read.properties.key).toBe(created.properties.key);
    expect(read.inputs.name).toBe(checked.inputs.name);

    const same = await server.diff(created.id, created.properties, checked.inputs);
    expect(same.changes).toBe(1); // DIFF_NONE
    const next = (
      await server.check(checked.inputs, { ...checked.inputs, models: ["gpt-4o"], __provider: undefined })
    ).inputs;
    const changed = await server.diff(created.id, created.properties, next);
    expect(changed.changes).toBe(2); // DIFF_SOME
    expect(changed.replaces).toEqual([]);

    const updated = await server.update(created.id, created.properties, next);
    expect(updated.models).toEqual(["gpt-4o"]);
    expect(updated.key).toBe(created.properties.key);
    const [after] = await emu.control.keys();
    expect(after?.model_limits).toBe("gpt-4o");

    await server.delete(created.id, updated);
    expect(await emu.control.keys()).toEqual([]);
    expect(server.output()).not.toContain(emu.accessToken);
  });
});
