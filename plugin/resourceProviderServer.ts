/**
 * The native `cometapi` plugin's gRPC server: Pulumi's ResourceProvider protocol on
 * `@grpc/grpc-js` with the stubs in `@pulumi/pulumi/proto`, in front of the unchanged core
 * (`createCometApiKeyProvider()`). An adapter like the dynamic-provider loader: it maps messages
 * to the core's calls and back, marks `key` secret, and answers previews with unknowns for what
 * the service generates. Every rule lives in `provider/`.
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
import {
  API_KEY_GENERATED_NAMES,
  API_KEY_SECRET_NAMES,
  API_KEY_TOKEN,
} from "../provider/apiKeyDescription.js";
import {
  type CometApiKeyProvider,
  type CometApiKeyProviderOptions,
  createCometApiKeyProvider,
} from "../provider/cometApiKeyProvider.js";
import { KeyInitializationError } from "../provider/errors.js";
import { type AutoNaming, autoName } from "../provider/inputs.js";
import { invokeFunction } from "./functions.js";
import { packageSchema } from "./packageSchema.js";
import {
  fromStruct,
  type PropertyMap,
  secret,
  toStruct,
  UNKNOWN_VALUE,
  unwrapDeep,
  unwrapSecrets,
  withSecrets,
} from "./propertyValues.js";
import { type ConfigValues, changedConfig, configFailures, configFrom } from "./providerConfig.js";
import { elementPaths } from "./setDiff.js";

/** Outputs that stay as they were while an update is previewed (everything else generated is unknown). */
const STABLE_ON_UPDATE = new Set(["keyId", "key", "maskedKey", "createdAt"]);

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

/** Whether `proposed` is the engine's default auto-name for `logicalName`: the name, `-`, 7 hex digits. */
function isDefaultProposal(proposed: string, logicalName: string): boolean {
  const match = /^(.*)-[0-9a-f]{7}$/.exec(proposed);
  return match !== null && match[1] !== undefined && match[1] !== "" && logicalName.startsWith(match[1]);
}

function requireApiKeyType(urnOrType: string): void {
  const type = urnOrType.includes("::") ? (urnOrType.split("::")[2] ?? "") : urnOrType;
  if (type !== "" && type !== API_KEY_TOKEN) {
    throw new Error(`the cometapi plugin has one resource type, ${API_KEY_TOKEN}; got ${type}`);
  }
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

    check: unary<proto.CheckRequest, proto.CheckResponse>(async (req) => {
      requireApiKeyType(req.getType() || req.getUrn());
      const olds = unwrapSecrets(fromStruct(req.getOlds())).plain;
      const { plain: news, secretNames } = unwrapSecrets(fromStruct(req.getNews()));
      const autonaming = req.getAutonaming();
      const mode = autonaming?.getMode();
      const naming: AutoNaming =
        autonaming === undefined
          ? {}
          : mode === proto.CheckRequest.AutonamingOptions.Mode.DISABLE
            ? { disabled: true }
            : { proposedName: autonaming.getProposedName() };
      const logicalName = req.getName() || req.getUrn().split("::").at(-1) || "key";
      // The engine's default proposal (`<name>-<7 random hex>`, or none) differs between a preview
      // and the `up` after it: the suffix is derived from the URN instead. Other patterns are kept.
      if (
        naming.disabled !== true &&
        (naming.proposedName === undefined || isDefaultProposal(naming.proposedName, logicalName))
      ) {
        naming.proposedName = autoName(logicalName, req.getUrn());
      }
      const checked = await core.check(olds, { ...news, __logicalName: logicalName }, naming);
      const response = new proto.CheckResponse().setInputs(
        toStruct(withSecrets(checked.inputs, secretNames)),
      );
      for (const f of checked.failures) {
        response.addFailures(new proto.CheckFailure().setProperty(f.property).setReason(f.reason));
      }
      return response;
    }),

    diff: unary<proto.DiffRequest, proto.DiffResponse>(async (req) => {
      const olds = unwrapSecrets(fromStruct(req.getOlds())).plain;
      const news = unwrapSecrets(fromStruct(req.getNews())).plain;
      const result = await core.detailedDiff(req.getId(), olds, news);
      const oldInputs = req.getOldInputs() ? unwrapSecrets(fromStruct(req.getOldInputs())).plain : undefined;
      const replaces = new Set(result.replaces);
      const response = new proto.DiffResponse()
        .setChanges(
          result.changes
            ? proto.DiffResponse.DiffChanges.DIFF_SOME
            : proto.DiffResponse.DiffChanges.DIFF_NONE,
        )
        .setReplacesList(result.replaces)
        .setDiffsList(result.diffs)
        .setDeletebeforereplace(result.deleteBeforeReplace)
        .setHasdetaileddiff(true);
      for (const name of result.diffs) {
        // Element paths index the old inputs (what the engine shows them against), not the old outputs.
        const elements = elementPaths(name, oldInputs ?? olds, news, replaces.has(name));
        if (elements) {
          for (const [path, kind] of elements) {
            response
              .getDetaileddiffMap()
              .set(path, new proto.PropertyDiff().setKind(kind).setInputdiff(true));
          }
          continue;
        }
        const added = olds[name] === undefined;
        const deleted = news[name] === undefined;
        const Kind = proto.PropertyDiff.Kind;
        const kind = replaces.has(name)
          ? added
            ? Kind.ADD_REPLACE
            : deleted
              ? Kind.DELETE_REPLACE
              : Kind.UPDATE_REPLACE
          : added
            ? Kind.ADD
            : deleted
              ? Kind.DELETE
              : Kind.UPDATE;
        response.getDetaileddiffMap().set(name, new proto.PropertyDiff().setKind(kind).setInputdiff(true));
      }
      return response;
    }),

    create: unary<proto.CreateRequest, proto.CreateResponse>(async (req) => {
      requireApiKeyType(req.getType() || req.getUrn());
      const { plain: inputs, secretNames } = unwrapSecrets(fromStruct(req.getProperties()));
      if (req.getPreview()) {
        const unknowns = Object.fromEntries(API_KEY_GENERATED_NAMES.map((n) => [n, UNKNOWN_VALUE]));
        return new proto.CreateResponse().setId("").setProperties(toStruct({ ...inputs, ...unknowns }));
      }
      const { id, outs } = await core.create(inputs);
      return new proto.CreateResponse()
        .setId(id)
        .setProperties(toStruct(withSecrets(outs, [...API_KEY_SECRET_NAMES, ...secretNames])));
    }),

    read: unary<proto.ReadRequest, proto.ReadResponse>(async (req) => {
      const { plain: props } = unwrapSecrets(fromStruct(req.getProperties()));
      const { secretNames } = unwrapSecrets(fromStruct(req.getInputs()));
      const result = await core.read(req.getId(), props);
      const response = new proto.ReadResponse().setId(result.id);
      if (result.id === "") return response;
      return response
        .setProperties(toStruct(withSecrets(result.props ?? {}, [...API_KEY_SECRET_NAMES, ...secretNames])))
        .setInputs(toStruct(withSecrets(result.inputs ?? {}, secretNames)));
    }),

    update: unary<proto.UpdateRequest, proto.UpdateResponse>(async (req) => {
      const olds = unwrapSecrets(fromStruct(req.getOlds())).plain;
      const { plain: news, secretNames } = unwrapSecrets(fromStruct(req.getNews()));
      const secrets = [...API_KEY_SECRET_NAMES, ...secretNames];
      if (req.getPreview()) {
        const previewed: PropertyMap = { ...news };
        for (const name of API_KEY_GENERATED_NAMES) {
          previewed[name] = STABLE_ON_UPDATE.has(name) ? olds[name] : UNKNOWN_VALUE;
        }
        return new proto.UpdateResponse().setProperties(toStruct(withSecrets(previewed, secrets)));
      }
      const { outs } = await core.update(req.getId(), olds, news);
      return new proto.UpdateResponse().setProperties(toStruct(withSecrets(outs, secrets)));
    }),

    delete: unary<proto.DeleteRequest, Empty>(async (req) => {
      await core.delete(req.getId(), unwrapSecrets(fromStruct(req.getProperties())).plain);
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
