/**
 * Starts the BUILT native plugin (`dist/plugin/main.js`, what the `pulumi-resource-cometapi` bin
 * runs) as the engine would, reads its port from the first stdout line, and gives a typed gRPC
 * client over the `@pulumi/pulumi/proto` stubs. The engine's tests install the plugin from its
 * archive instead (test/support/pluginArchive.ts).
 */
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { startPluginProcess } from "./pluginProcess";

export const repoRoot = path.resolve(__dirname, "../..");
export const builtPluginMain = path.join(repoRoot, "dist", "plugin", "main.js");

export interface NativePlugin {
  client: ResourceProviderClient;
  /** Calls a unary method, e.g. `call("check", request)`. */
  call<Res>(method: string, request: unknown): Promise<Res>;
  /** Everything the plugin printed on stdout and stderr. */
  output(): string;
  close(): Promise<void>;
}

export function struct(values: Record<string, unknown>): Struct {
  return Struct.fromJavaScript(values as Parameters<typeof Struct.fromJavaScript>[0]);
}

export const empty = () => new Empty();

export async function startNativePlugin(env: NodeJS.ProcessEnv = {}): Promise<NativePlugin> {
  const { child, port, output } = await startPluginProcess("plugin", [builtPluginMain], {
    env: { ...process.env, ...env },
  });
  const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    client,
    call<Res>(method: string, request: unknown) {
      return new Promise<Res>((resolve, reject) => {
        const fn = (
          client as unknown as Record<string, (r: unknown, cb: (e: Error | null, r: Res) => void) => void>
        )[method];
        if (!fn) throw new Error(`no gRPC method ${method}`);
        fn.call(client, request, (error, response) => (error ? reject(error) : resolve(response)));
      });
    },
    output,
    async close() {
      client.close();
      child.kill();
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}
