/**
 * The demo's stack: the repository's root Pulumi.yaml program (the quickstart) run by the real
 * engine through the Automation API, on a local `file://` backend inside the git-ignored `.state/`
 * folder, with a passphrase secrets provider. Never the hosted Pulumi Cloud.
 */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { localBackendEnv, pulumiCommand, repoRoot, requirePulumi } from "../engine/localEngine";

export { repoRoot };

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
  const cli = requirePulumi("the demo", "npm run demo");
  const pulumiBinDir = dirname(cli);
  const backendDir = join(options.stateDir, "backend");
  const pulumiHome = join(options.stateDir, "home");
  mkdirSync(backendDir, { recursive: true });
  mkdirSync(pulumiHome, { recursive: true });
  const envVars = {
    ...localBackendEnv({ backendDir, pulumiHome, passphrase: options.passphrase }),
    ...options.envVars,
  };
  const backendUrl = envVars.PULUMI_BACKEND_URL;
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: options.stackName, workDir: repoRoot() },
    { pulumiCommand: await pulumiCommand(cli), envVars, pulumiHome },
  );
  return { stack, backendUrl, pulumiBinDir, envVars };
}
