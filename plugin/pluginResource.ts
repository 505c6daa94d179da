/**
 * One resource type as the plugin serves it: the engine's lifecycle messages for resources of
 * its type token. The server (`resourceProviderServer.ts`) dispatches to it by that token.
 */
import type * as proto from "@pulumi/pulumi/proto/provider_pb";

export interface PluginResource {
  /** The type token, e.g. `cometapi:index:ApiKey`. */
  token: string;
  check(req: proto.CheckRequest): Promise<proto.CheckResponse>;
  diff(req: proto.DiffRequest): Promise<proto.DiffResponse>;
  create(req: proto.CreateRequest): Promise<proto.CreateResponse>;
  read(req: proto.ReadRequest): Promise<proto.ReadResponse>;
  update(req: proto.UpdateRequest): Promise<proto.UpdateResponse>;
  delete(req: proto.DeleteRequest): Promise<void>;
}
