/**
 * The `pulumi` CLI as a child process of the test, so that a test can stop it as a user or a CI
 * runner does: SIGINT (one Ctrl-C), SIGTERM, SIGKILL. The Automation API hides the process.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { requirePulumiCli } from "./engine";

export interface PulumiRun {
  readonly child: ChildProcess;
  /** Everything the CLI wrote so far (stdout and stderr). */
  output(): string;
  /** Settles when the CLI has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `pulumi <args>` in `cwd` with `env` on top of this process's environment. */
export function startPulumi(
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): PulumiRun {
  const child = spawn(requirePulumiCli(), args, {
    cwd: options.cwd,
    env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => text, exited };
}

/** Polls `condition` every 100 ms until it holds; throws after `timeoutMs` with `what`. */
export async function waitFor(
  what: string,
  condition: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
