/**
 * Drives `@pulumi/pulumi`'s own dynamic-provider gRPC server directly: the built SDK's loader is
 * serialized exactly as `dynamic.Resource` does it, the server is spawned as the engine would
 * spawn it, and each call carries the serialized text as `__provider`. This catches
 * serialization and configure wiring bugs in seconds, without the engine.
 */
import { createRequire } from "node:module";
import { createServer } from "node:net";
import path from "node:path";
import { startPluginProcess } from "./pluginProcess";

const repoRoot = path.resolve(__dirname, "../..");
const requireFromRepo = createRequire(path.join(repoRoot, "package.json"));

type Struct = { toJavaScript(): Record<string, unknown> };
type StructStatic = { fromJavaScript(value: Record<string, unknown>): Struct };
type Message = Record<string, (...args: unknown[]) => unknown>;
type MessageClass = new () => Message;
type Callback = (error: Error | null, response: Message) => void;
type GrpcClient = Record<string, (request: Message, callback: Callback) => void> & { close(): void };

const grpc = requireFromRepo("@grpc/grpc-js") as {
  credentials: { createInsecure(): unknown };
};
const { Struct } = requireFromRepo("google-protobuf/google/protobuf/struct_pb") as { Struct: StructStatic };
const proto = requireFromRepo("@pulumi/pulumi/proto/provider_pb") as Record<string, MessageClass>;
const services = requireFromRepo("@pulumi/pulumi/proto/provider_grpc_pb") as {
  ResourceProviderClient: new (address: string, credentials: unknown) => GrpcClient;
};

/** Serializes the built SDK's provider loader the way `dynamic.Resource` does. */
export async function serializeBuiltProviderLoader(): Promise<string> {
  const { cometApiKeyProviderLoader } = requireFromRepo("./dist/sdk/providerLoader.js") as {
    cometApiKeyProviderLoader: object;
  };
  const closure = requireFromRepo("@pulumi/pulumi/runtime/closure/serializeClosure") as {
    serializeFunction(f: () => unknown, options: { allowSecrets: boolean }): Promise<{ text: string }>;
  };
  const serialized = await closure.serializeFunction(() => cometApiKeyProviderLoader, { allowSecrets: true });
  return serialized.text;
}

export interface DynamicProviderServer {
  configure(config: Record<string, string>): Promise<void>;
  check(
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<{
    inputs: Record<string, unknown>;
    failures: { property: string; reason: string }[];
  }>;
  diff(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<{
    changes: number;
    replaces: string[];
  }>;
  create(props: Record<string, unknown>): Promise<{ id: string; properties: Record<string, unknown> }>;
  read(
    id: string,
    props: Record<string, unknown>,
  ): Promise<{
    id: string;
    properties: Record<string, unknown>;
    inputs: Record<string, unknown>;
  }>;
  update(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<Record<string, unknown>>;
  delete(id: string, props: Record<string, unknown>): Promise<void>;
  /** Everything the server process printed. */
  output(): string;
  close(): Promise<void>;
}

/** Spawns the dynamic-provider server with `cwd` as the program directory. */
export async function startDynamicProviderServer(options: {
  providerText: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
}): Promise<DynamicProviderServer> {
  const entry = requireFromRepo.resolve("@pulumi/pulumi/cmd/dynamic-provider");
  // The engine's address, as the engine passes it: a listener that stays open while the server
  // runs (the provider sends nothing once nothing listens there, and its process exits).
  const engine = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => engine.listen(0, "127.0.0.1", resolve));
  const engineAddress = `127.0.0.1:${(engine.address() as { port: number }).port}`;
  const { child, port, output } = await startPluginProcess("dynamic provider", [entry, engineAddress], {
    cwd: options.cwd,
    env: { ...process.env, PULUMI_NODEJS_PROJECT: "test-project", ...options.env },
  });
  const client = new services.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const withProvider = (props: Record<string, unknown>) =>
    Struct.fromJavaScript({ ...props, __provider: options.providerText });

  function call(method: string, request: Message): Promise<Message> {
    return new Promise((resolve, reject) => {
      const fn = client[method];
      if (!fn) throw new Error(`no gRPC method ${method}`);
      fn.call(client, request, (error, response) => (error ? reject(error) : resolve(response)));
    });
  }
  function message(name: string, fields: Record<string, unknown>): Message {
    const Class = proto[name];
    if (!Class) throw new Error(`no message ${name}`);
    const m = new Class();
    for (const [setter, value] of Object.entries(fields)) {
      const set = m[setter];
      if (!set) throw new Error(`${name} has no ${setter}`);
      set.call(m, value);
    }
    return m;
  }
  const urn = "urn:pulumi:test::test-project::pulumi-nodejs:dynamic/cometapi:CometApiKey::k";
  const js = (m: Message, getter: string) =>
    ((m[getter] as () => Struct | undefined).call(m)?.toJavaScript() ?? {}) as Record<string, unknown>;
  const strip = (props: Record<string, unknown>) => {
    const { __provider: _ignored, ...rest } = props;
    return rest;
  };

  return {
    async configure(config) {
      await call("configure", message("ConfigureRequest", { setArgs: Struct.fromJavaScript(config) }));
    },
    async check(olds, news) {
      const r = await call(
        "check",
        message("CheckRequest", { setUrn: urn, setOlds: withProvider(olds), setNews: withProvider(news) }),
      );
      const failures = (r.getFailuresList as () => Message[]).call(r).map((f) => ({
        property: String((f.getProperty as () => string).call(f)),
        reason: String((f.getReason as () => string).call(f)),
      }));
      return { inputs: strip(js(r, "getInputs")), failures };
    },
    async diff(id, olds, news) {
      const r = await call(
        "diff",
        message("DiffRequest", {
          setId: id,
          setUrn: urn,
          setOlds: withProvider(olds),
          setNews: withProvider(news),
        }),
      );
      return {
        changes: (r.getChanges as () => number).call(r),
        replaces: (r.getReplacesList as () => string[]).call(r),
      };
    },
    async create(props) {
      const r = await call(
        "create",
        message("CreateRequest", { setUrn: urn, setProperties: withProvider(props) }),
      );
      return { id: (r.getId as () => string).call(r), properties: strip(js(r, "getProperties")) };
    },
    async read(id, props) {
      const r = await call(
        "read",
        message("ReadRequest", { setId: id, setUrn: urn, setProperties: withProvider(props) }),
      );
      return {
        id: (r.getId as () => string).call(r),
        properties: strip(js(r, "getProperties")),
        inputs: strip(js(r, "getInputs")),
      };
    },
    async update(id, olds, news) {
      const r = await call(
        "update",
        message("UpdateRequest", {
          setId: id,
          setUrn: urn,
          setOlds: withProvider(olds),
          setNews: withProvider(news),
        }),
      );
      return strip(js(r, "getProperties"));
    },
    async delete(id, props) {
      await call(
        "delete",
        message("DeleteRequest", { setId: id, setUrn: urn, setProperties: withProvider(props) }),
      );
    },
    output,
    async close() {
      client.close();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill();
        await exited;
      }
      await new Promise((resolve) => engine.close(resolve));
    },
  };
}
