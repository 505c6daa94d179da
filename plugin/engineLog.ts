/**
 * Warnings into the engine's output. The engine starts a plugin with its own gRPC address as the
 * first argument and shows what the plugin sends to `Engine.Log` as diagnostics (a plugin's stderr
 * is not shown). Without an address (tests that start the server directly) warnings go to stderr.
 */
import * as grpc from "@grpc/grpc-js";
import { EngineClient } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { LogRequest, LogSeverity } from "@pulumi/pulumi/proto/engine_pb";

/** A `warn` for the core that reports to the engine at `address` (`host:port`), or to stderr. */
export function engineWarn(address: string | undefined): (message: string) => void {
  if (!address) return (message) => console.error(message);
  const engine = new EngineClient(address, grpc.credentials.createInsecure());
  return (message) => {
    const text = message.replace(/^warning: /, "");
    engine.log(new LogRequest().setSeverity(LogSeverity.WARNING).setMessage(text), (error) => {
      if (error) console.error(message);
    });
  };
}
