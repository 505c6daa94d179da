/**
 * Starts a Pulumi plugin process the way the engine does and waits for the port it prints as its
 * first stdout line. Shared by the native plugin and the dynamic-provider server helpers.
 */
import { type ChildProcess, spawn } from "node:child_process";

export interface PluginProcess {
  child: ChildProcess;
  /** The gRPC port the plugin listens on (127.0.0.1). */
  port: number;
  /** Everything the plugin printed on stdout and stderr so far. */
  output(): string;
}

/** Runs `node <args…>` and resolves once a line holding only a port number appears on stdout. */
export async function startPluginProcess(
  what: string,
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv },
): Promise<PluginProcess> {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^(\d+)\s*$/m.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("exit", (code) => reject(new Error(`${what} exited with ${code}: ${output}`)));
  });
  return { child, port, output: () => output };
}
