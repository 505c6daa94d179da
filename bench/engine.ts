/**
 * The smallest engine setup the bench needs: an inline-program stack through the Automation API
 * on a local `file://` backend in a temp dir (never the hosted service), with a passphrase
 * secrets provider, no update checks and no plugin downloads. The `pulumi` CLI and the
 * `pulumi-resource-pulumi-nodejs` plugin must be on PATH (`npm run bench` provides them).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalWorkspace, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
import { localBackendEnv, pulumiCommand, repoRoot, requirePulumi } from "../engine/localEngine";

export { repoRoot };

export interface BenchStack {
  stack: Stack;
  projectName: string;
  /** Directory of the file backend. */
  backendDir: string;
  /** The checkpoint file as the backend stores it. */
  checkpointPath: string;
  /** Removes the stack from the backend and deletes the temp dir (destroy first if needed). */
  cleanup(): Promise<void>;
}

export async function createBenchStack(
  projectName: string,
  stackName: string,
  program: PulumiFn,
  config: Record<string, { value: string; secret?: boolean }>,
): Promise<BenchStack> {
  const cli = requirePulumi("the bench", "npm run bench");
  const tempDir = mkdtempSync(join(tmpdir(), "cometapi-bench-"));
  const backendDir = join(tempDir, "state");
  const pulumiHome = join(tempDir, "home");
  const workDir = join(tempDir, "work");
  for (const d of [backendDir, pulumiHome, workDir]) mkdirSync(d, { recursive: true });
  // The dynamic-provider plugin runs in workDir and resolves @pulumi/pulumi from there.
  symlinkSync(join(repoRoot(), "node_modules"), join(workDir, "node_modules"), "dir");
  const envVars: Record<string, string> = {
    ...localBackendEnv({ backendDir, pulumiHome, passphrase: "pulumi-cometapi-bench" }),
    // The connection comes from stack config only.
    COMETAPI_ACCESS_TOKEN: "",
    COMETAPI_BASE_URL: "",
    COMETAPI_USER_ID: "",
  };
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName, projectName, program },
    { pulumiCommand: await pulumiCommand(cli), envVars, pulumiHome, workDir },
  );
  if (Object.keys(config).length > 0) {
    await stack.setAllConfig(
      Object.fromEntries(
        Object.entries(config).map(([k, v]) => [k, { value: v.value, secret: v.secret ?? false }]),
      ),
    );
  }
  return {
    stack,
    projectName,
    backendDir,
    checkpointPath: join(backendDir, ".pulumi", "stacks", projectName, `${stackName}.json`),
    async cleanup() {
      await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
      rmSync(tempDir, { recursive: true, force: true });
    },
  };
}
