/**
 * The native `cometapi` plugin's gRPC server: Pulumi's ResourceProvider protocol on
 * `@grpc/grpc-js` with the stubs in `@pulumi/pulumi/proto`, in front of the unchanged core
 * (`createCometApiKeyProvider()`). It answers the provider-wide calls (schema, configuration,
 * functions, cancel) and hands each resource call to the resource type its type token names
 * (`apiKeyResource.ts`, the one type today). Every rule lives in `provider/`.
 *
 * Implemented: GetPluginInfo, GetSchema, CheckConfig, DiffConfig, Configure, Check, Diff, Create,
 * Read, Update, Delete, Invoke, Cancel. Everything else answers UNIMPLEMENTED (the engine then
 * falls back, e.g. from Handshake to Configure).
 */
import * as grpc from "@grpc/grpc-js";
import * as plugin from "@pulumi/pulumi/proto/plugin_pb";
import * as rpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import { Any } from "google-protobuf/google/protobuf/any_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { KeyInitializationError } from "../provider/errors/index.js";
import {
  type CometApiKeyProvider,
  type CometApiKeyProviderOptions,
  createCometApiKeyProvider,
} from "../provider/key/lifecycle.js";
import { API_KEY_SECRET_NAMES } from "../provider/model/description.js";
import { apiKeyResource } from "./apiKeyResource.js";
import { invokeFunction } from "./functions.js";
import { packageSchema } from "./packageSchema.js";
import type { PluginResource } from "./pluginResource.js";
import { fromStruct, type PropertyMap, secret, toStruct, unwrapDeep, withSecrets } from "./propertyValues.js";
import { type ConfigValues, changedConfig, configFailures, configFrom } from "./providerConfig.js";

export interface ResourceProviderServerOptions {
  /** The plugin's version (GetPluginInfo, the schema). */
  version: string;
  /** Core tuning (tests); programs use the defaults. */
  core?: CometApiKeyProviderOptions;
  /** Called with each gRPC method's name as it is called (the plugin's opt-in call log). */
  onCall?: (method: string) => void;
}

type Handler<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void;

/** Wraps an async handler: results to the callback, errors as gRPC errors (init failures with details). */
function unary<Req, Res>(run: (request: Req) => Promise<Res>): Handler<Req, Res> {
  return (call, callback) => {
    run(call.request).then(
      (response) => callback(null, response),
      (error: unknown) => callback(grpcError(error)),
    );
  };
}

/** A gRPC error for a thrown error; a key that exists but failed later carries its id and outputs. */
function grpcError(error: unknown): Partial<grpc.StatusObject> {
  const message = error instanceof Error ? error.message : String(error);
  const metadata = new grpc.Metadata();
  if (error instanceof KeyInitializationError) {
    const detail = new proto.ErrorResourceInitFailed();
    detail.setId(error.id);
    detail.setProperties(toStruct(withSecrets(error.properties, API_KEY_SECRET_NAMES)));
    detail.setReasonsList(error.reasons);
    const any = new Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new Status();
    status.setCode(grpc.status.UNKNOWN);
    status.setMessage(message);
    status.addDetails(any);
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return { code: grpc.status.UNKNOWN, details: message, metadata };
}

/** Finds the resource type of a request by its type token (or its URN's). */
function resourceTypes(resources: readonly PluginResource[]): (urnOrType: string) => PluginResource {
  const byToken = new Map(resources.map((r) => [r.token, r]));
  return (urnOrType) => {
    // `urn:pulumi:<stack>::<project>::<parent types$>type::<name>`, or the type token itself.
    const type = urnOrType.includes("::") ? (urnOrType.split("::")[2]?.split("$").at(-1) ?? "") : urnOrType;
    const resource = byToken.get(type);
    if (resource === undefined) {
      throw new Error(
        `the cometapi plugin has no resource type ${type}; it serves ${[...byToken.keys()].join(", ")}`,
      );
    }
    return resource;
  };
}

/** The service implementation, for `server.addService(ResourceProviderService, …)`, in front of `core`. */
export function resourceProviderService(
  options: ResourceProviderServerOptions,
  core: CometApiKeyProvider = createCometApiKeyProvider(options.core),
): grpc.UntypedServiceImplementation {
  let config: ConfigValues = {};
  const schemaText = JSON.stringify(packageSchema(options.version), null, 2);
  // Lookups share the core's session: one client and one rate-limit gate per connection.
  const client = () => core.client();
  // The resource types this plugin serves, by type token: a second type is one more entry.
  const resourceFor = resourceTypes([apiKeyResource(core)]);

  const handlers = {
    getPluginInfo: unary<Empty, plugin.PluginInfo>(async () =>
      new plugin.PluginInfo().setVersion(options.version),
    ),

    getSchema: unary<proto.GetSchemaRequest, proto.GetSchemaResponse>(async () =>
      new proto.GetSchemaResponse().setSchema(schemaText),
    ),

    checkConfig: unary<proto.CheckRequest, proto.CheckResponse>(async (req) => {
      const news = fromStruct(req.getNews());
      // What CheckConfig returns is what the engine stores: the token as a secret, even when the
      // user set it in plain text, so it is encrypted in the state.
      const inputs = news.accessToken == null ? news : { ...news, accessToken: secret(news.accessToken) };
      const response = new proto.CheckResponse().setInputs(toStruct(inputs));
      for (const f of configFailures(unwrapDeep(news) as PropertyMap)) {
        response.addFailures(new proto.CheckFailure().setProperty(f.property).setReason(f.reason));
      }
      return response;
    }),

    diffConfig: unary<proto.DiffRequest, proto.DiffResponse>(async (req) => {
      const olds = unwrapDeep(fromStruct(req.getOldInputs() ?? req.getOlds())) as PropertyMap;
      const news = unwrapDeep(fromStruct(req.getNews())) as PropertyMap;
      const changed = changedConfig(olds, news);
      const response = new proto.DiffResponse()
        .setChanges(
          changed.length > 0
            ? proto.DiffResponse.DiffChanges.DIFF_SOME
            : proto.DiffResponse.DiffChanges.DIFF_NONE,
        )
        .setDiffsList(changed)
        .setHasdetaileddiff(true);
      for (const name of changed) {
        response
          .getDetaileddiffMap()
          .set(name, new proto.PropertyDiff().setKind(proto.PropertyDiff.Kind.UPDATE).setInputdiff(true));
      }
      return response;
    }),

    configure: unary<proto.ConfigureRequest, proto.ConfigureResponse>(async (req) => {
      const variables = new Map(req.getVariablesMap().toArray());
      config = configFrom(unwrapDeep(fromStruct(req.getArgs())) as PropertyMap, variables);
      await core.configure({
        config: { get: (key) => config[key.replace(/^cometapi:/, "") as keyof ConfigValues] },
      });
      return new proto.ConfigureResponse()
        .setAcceptsecrets(true)
        .setSupportspreview(true)
        .setAcceptresources(false)
        .setAcceptoutputs(false)
        .setSupportsAutonamingConfiguration(true);
    }),

    check: unary<proto.CheckRequest, proto.CheckResponse>((req) =>
      resourceFor(req.getType() || req.getUrn()).check(req),
    ),
    diff: unary<proto.DiffRequest, proto.DiffResponse>((req) =>
      resourceFor(req.getType() || req.getUrn()).diff(req),
    ),
    create: unary<proto.CreateRequest, proto.CreateResponse>((req) =>
      resourceFor(req.getType() || req.getUrn()).create(req),
    ),
    read: unary<proto.ReadRequest, proto.ReadResponse>((req) =>
      resourceFor(req.getType() || req.getUrn()).read(req),
    ),
    update: unary<proto.UpdateRequest, proto.UpdateResponse>((req) =>
      resourceFor(req.getType() || req.getUrn()).update(req),
    ),
    delete: unary<proto.DeleteRequest, Empty>(async (req) => {
      await resourceFor(req.getType() || req.getUrn()).delete(req);
      return new Empty();
    }),

    invoke: unary<proto.InvokeRequest, proto.InvokeResponse>(async (req) => {
      const args = unwrapDeep(fromStruct(req.getArgs())) as PropertyMap;
      const result = await invokeFunction(req.getTok(), args, client);
      const response = new proto.InvokeResponse();
      if (result.return) response.setReturn(toStruct(result.return));
      for (const f of result.failures ?? []) {
        response.addFailures(new proto.CheckFailure().setProperty(f.property).setReason(f.reason));
      }
      return response;
    }),

    // One Ctrl-C: no new write, reveal or retry from now on; each step ends within seconds.
    cancel: unary<Empty, Empty>(async () => {
      core.cancel();
      return new Empty();
    }),
  };
  const onCall = options.onCall;
  if (onCall === undefined) return handlers as unknown as grpc.UntypedServiceImplementation;
  return Object.fromEntries(
    Object.entries(handlers).map(([method, handler]) => [
      method,
      (call: never, callback: never) => {
        onCall(method);
        (handler as (c: never, cb: never) => void)(call, callback);
      },
    ]),
  ) as grpc.UntypedServiceImplementation;
}

/** Starts the server on 127.0.0.1 (port 0: any free one) and resolves with the port and the core behind it. */
export async function startResourceProviderServer(
  options: ResourceProviderServerOptions & { port?: number },
): Promise<{ port: number; server: grpc.Server; core: CometApiKeyProvider }> {
  const core = createCometApiKeyProvider(options.core);
  const server = new grpc.Server({
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
    "grpc.max_send_message_length": 400 * 1024 * 1024,
  });
  server.addService(rpc.ResourceProviderService, resourceProviderService(options, core));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `127.0.0.1:${options.port ?? 0}`,
      grpc.ServerCredentials.createInsecure(),
      (error, bound) => (error ? reject(error) : resolve(bound)),
    ),
  );
  return { port, server, core };
}
