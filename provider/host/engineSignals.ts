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
 *   second is the fallback. Neither is in time for a request that was waiting (a rate-limit
 *   pause, a backoff, a connection slot) and goes the moment the wait ends, so the watch also
 *   answers {@link EngineWatch.alive} on demand: the hosts hand it to the core, whose HTTP layer
 *   asks it right before such a request (and every write) goes on the wire.
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

/** What {@link watchEngine} returns. */
export interface EngineWatch {
  /**
   * Probes the engine's address now (a loopback connect, well under a millisecond): false once
   * nothing listens there (and then `onGone` has been called), true otherwise. The answer is
   * always that of a probe started by this call, never one cached from before.
   */
  alive(): Promise<boolean>;
  /** Stops watching (no more probes; `alive` still answers). */
  stop(): void;
}

/**
 * Calls `onGone` once when nothing listens at the engine's address any more (a refused
 * connection on loopback). Probes when a connection to this process's gRPC server closes (the
 * engine's own, when the CLI dies: noticed at once), every second, and whenever `alive` is asked.
 * Never keeps the process alive by itself.
 */
export function watchEngine(address: { host: string; port: number }, onGone: () => void): EngineWatch {
  let gone = false;
  let stopped = false;
  const alive = async (): Promise<boolean> => {
    if (gone) return false;
    if (await engineListening(address)) return true;
    if (!gone) {
      gone = true;
      stop();
      onGone();
    }
    return false;
  };
  const probe = () => {
    if (!stopped) void alive();
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
  return { alive, stop };
}

/**
 * One probe of the engine's address: false when the connection is refused (nothing listens, on
 * loopback: the engine is gone), true when it opens, times out (a listener too busy to accept is
 * there) or fails otherwise. Never keeps the process alive by itself.
 */
export function engineListening(address: { host: string; port: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.unref();
    socket.setTimeout(PROBE_EVERY_MS);
    const settle = (listening: boolean) => {
      socket.destroy();
      resolve(listening);
    };
    socket.once("connect", () => settle(true));
    socket.once("timeout", () => settle(true));
    socket.once("error", (error: NodeJS.ErrnoException) => settle(error.code !== "ECONNREFUSED"));
    socket.connect(address.port, address.host);
  });
}

function activeHandles(): unknown[] {
  return (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
}
