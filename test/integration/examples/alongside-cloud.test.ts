/**
 * examples/alongside-cloud under Pulumi's mocks: no cluster and no Kubernetes provider, but the
 * CometAPI key is real: the mocks hand the CometApiKey registration to the real provider, which
 * creates the key in a fresh emulator. Asserted: the key value lands in the Kubernetes Secret as
 * a Pulumi secret, and the Deployment reads it from that Secret.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../../emulator";
import { type CometApiKeyProvider, createCometApiKeyProvider } from "../../../provider/key/lifecycle";

const KEY_TYPE = "pulumi-nodejs:dynamic/cometapi:CometApiKey";
/** How the mock monitor hands a secret input to `newResource`. */
const SECRET_SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

let emulator: RunningEmulator;
let provider: CometApiKeyProvider;
const registered = new Map<string, Record<string, unknown>>();
const createdIds: string[] = [];

function outputOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

beforeAll(async () => {
  emulator = await startEmulator();
  provider = createCometApiKeyProvider({
    connection: { baseUrl: emulator.url, accessToken: emulator.accessToken, userId: emulator.userId },
  });
  await pulumi.runtime.setMocks(
    {
      async newResource(args) {
        registered.set(args.type, args.inputs);
        if (args.type !== KEY_TYPE) return { id: `${args.name}-id`, state: args.inputs };
        // The CometAPI part for real: check and create through the provider, against the emulator.
        const { __provider: _serialized, ...news } = args.inputs;
        const checked = await provider.check({}, news);
        expect(checked.failures).toEqual([]);
        const { id, outs } = await provider.create(checked.inputs);
        createdIds.push(id);
        return { id, state: outs };
      },
      call: (args) => args.inputs,
    },
    "cometapi-alongside-cloud",
    "test",
    false,
  );
});

afterAll(async () => {
  for (const id of createdIds) await provider.delete(id, {});
  await emulator.close();
});

describe("examples/alongside-cloud", () => {
  it("writes the key into a Kubernetes Secret as a secret and wires it into the Deployment", async () => {
    const program = await import("../../../examples/alongside-cloud/index.js");
    const [keyId, maskedKey, secretName, deploymentName] = await Promise.all([
      outputOf(program.keyId),
      outputOf(program.maskedKey),
      outputOf(program.secretName),
      outputOf(program.deploymentName),
    ]);

    // The CometAPI key exists in the emulator, restricted as declared.
    const [record, ...others] = await emulator.control.keys();
    expect(others).toEqual([]);
    expect(record).toMatchObject({ id: keyId, remain_quota: 20_000_000, allow_ips: "10.0.0.0/8" });
    expect(maskedKey).toBe(`sk-${record?.key.slice(0, 4)}**********${record?.key.slice(-4)}`);

    // The Secret carries the full key, and as a Pulumi secret.
    const secret = registered.get("kubernetes:core/v1:Secret");
    expect(secret).toMatchObject({
      apiVersion: "v1",
      kind: "Secret",
      type: "Opaque",
      metadata: { name: "chat-backend-cometapi", namespace: "default" },
    });
    expect(secretName).toBe("chat-backend-cometapi");
    expect(secret?.stringData).toEqual({ ...SECRET_SIG, value: { COMETAPI_API_KEY: `sk-${record?.key}` } });

    // The Deployment reads it from the Secret (never the value itself).
    const deployment = registered.get("kubernetes:apps/v1:Deployment");
    expect(deploymentName).toBe("chat-backend");
    const container = (deployment as { spec: { template: { spec: { containers: unknown[] } } } }).spec
      .template.spec.containers[0];
    expect(container).toMatchObject({
      env: expect.arrayContaining([
        {
          name: "COMETAPI_API_KEY",
          valueFrom: { secretKeyRef: { name: "chat-backend-cometapi", key: "COMETAPI_API_KEY" } },
        },
      ]),
    });
    expect(JSON.stringify(deployment)).not.toContain(record?.key ?? "<no key>");
  });
});
