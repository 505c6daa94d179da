/**
 * The smallest engine setup the bench needs: an inline-program stack through the Automation API
 * on a local `file://` backend in a temp dir (never the hosted service), with a passphrase
 * secrets provider, no update checks and no plugin downloads. The `pulumi` CLI and the
 * `pulumi-resource-pulumi-nodejs` plugin must be on PATH (`npm run bench` provides them).
 */
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, join } from "node:path";
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";

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

/** The repository root: the nearest ancestor with this package's package.json. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = join(dir, "package.json");
    if (
      existsSync(pkg) &&
      (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "pulumi-cometapi"
    ) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the pulumi-cometapi repository above ${__dirname}`);
    dir = parent;
  }
}

function pulumiOnPath(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, "pulumi"), constants.X_OK);
      return join(dir, "pulumi");
    } catch {
      // not here
    }
  }
  throw new Error("the bench needs the Pulumi CLI on PATH; run it through `npm run bench`");
}

export async function createBenchStack(
  projectName: string,
  stackName: string,
  program: PulumiFn,
  config: Record<string, { value: string; secret?: boolean }>,
): Promise<BenchStack> {
  const binDir = dirname(pulumiOnPath());
  const pulumiCommand =
    basename(binDir) === "bin"
      ? await PulumiCommand.get({ root: dirname(binDir) })
      : await PulumiCommand.get();
  const tempDir = mkdtempSync(join(tmpdir(), "cometapi-bench-"));
  const backendDir = join(tempDir, "state");
  const pulumiHome = join(tempDir, "home");
  const workDir = join(tempDir, "work");
  for (const d of [backendDir, pulumiHome, workDir]) mkdirSync(d, { recursive: true });
  // The dynamic-provider plugin runs in workDir and resolves @pulumi/pulumi from there.
  symlinkSync(join(repoRoot(), "node_modules"), join(workDir, "node_modules"), "dir");
  const envVars: Record<string, string> = {
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: "pulumi-cometapi-bench",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_HOME: pulumiHome,
    // The connection comes from stack config only.
    COMETAPI_ACCESS_TOKEN: "",
    COMETAPI_BASE_URL: "",
    COMETAPI_USER_ID: "",
  };
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName, projectName, program },
    { pulumiCommand, envVars, pulumiHome, workDir },
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
