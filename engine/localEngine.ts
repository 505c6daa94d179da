/**
 * The one place that knows how this repository runs the real Pulumi engine locally: where the
 * repository is, which `pulumi` CLI to use, and the environment of a local `file://` backend
 * (never the hosted Pulumi Cloud). The demo, the bench, the end-to-end tests and the
 * outside-the-repository package test all start the engine through these functions.
 */
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { basename, delimiter, dirname, join } from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";

/** The repository root: the nearest folder above this file whose package.json is pulumi-cometapi's. */
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

/** The first executable `name` on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * The `pulumi` CLI on PATH, or a clear error naming who needs it and how to get it.
 * @param who What needs the engine, e.g. "the demo", "the bench", "the end-to-end suite".
 * @param command The npm command that provides the CLI, e.g. "npm run demo".
 */
export function requirePulumi(who: string, command: string): string {
  const cli = findOnPath("pulumi");
  if (cli === undefined) {
    throw new Error(
      `${who} needs the Pulumi CLI on PATH; run it through \`${command}\`, which provides one ` +
        "(or put the directory printed by `bash scripts/pulumi-toolchain.sh` first on PATH)",
    );
  }
  return cli;
}

/**
 * The Automation API's handle on `cli`. When the CLI sits in a `bin/` folder (our toolchain cache
 * and an official install), `PulumiCommand.get({ root })` also puts that folder, with the language
 * host and the dynamic-provider plugin next to the CLI, first on PATH for every command.
 */
export function pulumiCommand(cli: string): Promise<PulumiCommand> {
  const binDir = dirname(cli);
  return basename(binDir) === "bin" ? PulumiCommand.get({ root: dirname(binDir) }) : PulumiCommand.get();
}

/** Where a local run keeps its state. */
export interface LocalBackend {
  /** Folder of the `file://` backend (must exist). */
  backendDir: string;
  /** A private PULUMI_HOME (must exist): nothing of the machine user's Pulumi setup is read or written. */
  pulumiHome: string;
  /** Passphrase of the passphrase secrets provider. */
  passphrase: string;
}

/** The environment every `pulumi` command of a local run gets, on top of the caller's. */
export function localBackendEnv(
  backend: LocalBackend,
): Record<string, string> & { PULUMI_BACKEND_URL: string } {
  return {
    PULUMI_BACKEND_URL: `file://${backend.backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: backend.passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_HOME: backend.pulumiHome,
    // @pulumi/pulumi's closure serializer requires every Node built-in, node:sqlite included,
    // which prints an ExperimentalWarning on Node 22/24 into every program run. Noise only.
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --disable-warning=ExperimentalWarning`.trim(),
  };
}
