/**
 * What a provider process learns about its engine besides the calls it answers, for the two hosts
 * the core runs in: the native plugin (`plugin/main.ts`) and @pulumi/pulumi's dynamic-provider
 * host (`cmd/dynamic-provider`), which answers the engine's `Cancel` with nothing and tells the
 * provider nothing.
 *
 * - {@link onEngineCancel}: one Ctrl-C makes the engine call `Cancel` on every provider. In the
 *   dynamic-provider host the call is seen on the host's own gRPC server (an HTTP/2 stream to
 *   `/pulumirpc.ResourceProvider/Cancel`), listened to alongside the host's handler.
 * - {@link watchEngine}: a second Ctrl-C, a SIGKILL or a lost CI runner ends the CLI without
 *   telling its providers. Both hosts get the engine's address as an argument; once nothing
 *   listens there any more, the engine is gone and the process stops, sending nothing more. The
 *   engine's connection to the provider closing is the cue to look (at once); a probe every
 *   second is the fallback.
 */
import { type Server, Socket } from "node:net";

const CANCEL_PATH = "/pulumirpc.ResourceProvider/Cancel";

/** How often the engine's address is probed when nothing else tells (a connection closing does). */
const PROBE_EVERY_MS = 1_000;

/**
 * Calls `onCancel` when the engine calls `Cancel` on a gRPC server of this process (the
 * dynamic-provider host's). Returns false when no such server is found.
 */
export function onEngineCancel(onCancel: () => void): boolean {
  // The host's server is local to its `main`; the process's open handles are the only way to it.
  let found = false;
  for (const handle of activeHandles()) {
    if (!isHttp2Server(handle)) continue;
    found = true;
    handle.on("stream", (_stream: unknown, headers: Record<string, unknown>) => {
      if (headers[":path"] === CANCEL_PATH) onCancel();
    });
  }
  return found;
}

function isHttp2Server(handle: unknown): handle is NodeJS.EventEmitter {
  return (
    typeof handle === "object" &&
    handle !== null &&
    /^Http2(Secure)?Server$/.test(handle.constructor?.name ?? "") &&
    typeof (handle as NodeJS.EventEmitter).on === "function"
  );
}

/** The engine's address among a plugin's arguments (`127.0.0.1:PORT`), if there is one. */
export function engineAddressOf(args: readonly string[]): { host: string; port: number } | undefined {
  for (const arg of args) {
    const match = /^(127\.0\.0\.1|localhost|\[::1\]):(\d{1,5})$/.exec(arg);
    if (match) return { host: (match[1] as string).replace(/^\[|\]$/g, ""), port: Number(match[2]) };
  }
  return undefined;
}

/**
 * Calls `onGone` once when nothing listens at the engine's address any more (a refused
 * connection on loopback). Probes when a connection to this process's gRPC server closes (the
 * engine's own, when the CLI dies: noticed at once) and every second. Never keeps the process
 * alive by itself. Returns a function that stops watching.
 */
export function watchEngine(address: { host: string; port: number }, onGone: () => void): () => void {
  let stopped = false;
  const probe = () => {
    if (stopped) return;
    const socket = new Socket();
    socket.unref();
    socket.setTimeout(PROBE_EVERY_MS);
    socket.once("connect", () => socket.destroy());
    socket.once("timeout", () => socket.destroy());
    socket.once("error", (error: NodeJS.ErrnoException) => {
      socket.destroy();
      if (error.code !== "ECONNREFUSED" || stopped) return;
      stop();
      onGone();
    });
    socket.connect(address.port, address.host);
  };
  const timer = setInterval(probe, PROBE_EVERY_MS);
  timer.unref();
  const stop = () => {
    stopped = true;
    clearInterval(timer);
  };
  // The engine's connections to our server: when one closes, look at once.
  const handles = activeHandles();
  const servers = handles.filter(isHttp2Server) as unknown as Server[];
  const ports = new Set(servers.map((server) => (server.address() as { port?: number } | null)?.port));
  for (const handle of handles) {
    if (handle instanceof Socket && ports.has(handle.localPort)) handle.once("close", probe);
  }
  for (const server of servers) server.on("connection", (socket: Socket) => socket.once("close", probe));
  return stop;
}

function activeHandles(): unknown[] {
  return (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
}
