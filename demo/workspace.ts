/**
 * The demo's stack: the repository's root Pulumi.yaml program (the quickstart) run by the real
 * engine through the Automation API, on a local `file://` backend inside the git-ignored `.state/`
 * folder, with a passphrase secrets provider. Never the hosted Pulumi Cloud.
 */
import { accessSync, constants, existsSync, mkdirSync } from "node:fs";
import { basename, delimiter, dirname, join, resolve } from "node:path";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";

/** The repository root: `dist/demo/..` / `demo/..`, wherever the package.json and Pulumi.yaml are. */
export function repoRoot(): string {
  for (const candidate of [resolve(__dirname, "..", ".."), resolve(__dirname, "..")]) {
    if (existsSync(join(candidate, "Pulumi.yaml")) && existsSync(join(candidate, "package.json"))) {
      return candidate;
    }
  }
  throw new Error(`cannot find the repository root (Pulumi.yaml) above ${__dirname}`);
}

/** The `pulumi` CLI on PATH, or undefined. */
export function findPulumi(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, "pulumi");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export interface DemoStackOptions {
  /** Stack name, e.g. `demo`. */
  stackName: string;
  /** Folder for this run's backend and Pulumi home, e.g. `<repo>/.state/demo`. */
  stateDir: string;
  /** Passphrase of the stack's secrets provider. */
  passphrase: string;
  /** Extra environment for every `pulumi` command (and the plugins it starts). */
  envVars?: Record<string, string>;
}

export interface DemoStack {
  stack: Stack;
  /** `file://…` of the backend. */
  backendUrl: string;
  /** The directory of the `pulumi` CLI in use. */
  pulumiBinDir: string;
  /** The environment every `pulumi` command runs with (on top of this process's). */
  envVars: Record<string, string>;
}

/** Creates or selects the stack of the root Pulumi.yaml program on a local backend in `stateDir`. */
export async function openDemoStack(options: DemoStackOptions): Promise<DemoStack> {
  const cli = findPulumi();
  if (cli === undefined) {
    throw new Error(
      "the demo needs the Pulumi CLI on PATH; run it with `npm run demo`, which provides one " +
        "(or put the directory printed by `bash scripts/pulumi-toolchain.sh` first on PATH)",
    );
  }
  const pulumiBinDir = dirname(cli);
  const backendDir = join(options.stateDir, "backend");
  const pulumiHome = join(options.stateDir, "home");
  mkdirSync(backendDir, { recursive: true });
  mkdirSync(pulumiHome, { recursive: true });
  const backendUrl = `file://${backendDir}`;
  const envVars: Record<string, string> = {
    PULUMI_BACKEND_URL: backendUrl,
    PULUMI_CONFIG_PASSPHRASE: options.passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    // Nothing of the machine's own Pulumi setup (credentials, workspaces) is read or written.
    PULUMI_HOME: pulumiHome,
    // @pulumi/pulumi's closure serializer requires every Node built-in, node:sqlite included,
    // which prints an ExperimentalWarning on Node 22/24 into every program run. Noise only.
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --disable-warning=ExperimentalWarning`.trim(),
    ...options.envVars,
  };
  // `PulumiCommand.get({ root })` runs `<root>/bin/pulumi` and puts `<root>/bin` (with the language
  // host and the dynamic-provider plugin next to it) first on PATH for every command.
  const pulumiCommand =
    basename(pulumiBinDir) === "bin"
      ? await PulumiCommand.get({ root: dirname(pulumiBinDir) })
      : await PulumiCommand.get();
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: options.stackName, workDir: repoRoot() },
    { pulumiCommand, envVars, pulumiHome },
  );
  return { stack, backendUrl, pulumiBinDir, envVars };
}
