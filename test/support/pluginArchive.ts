/**
 * The plugin as a user installs it: the archive `npm run plugin:archive` builds
 * (scripts/plugin-archive.sh, kept when its inputs did not change), installed with
 * `pulumi plugin install resource cometapi <version> --file <archive>` into a private PULUMI_HOME.
 * The end-to-end tests of the native plugin run the engine with nothing of ours on PATH.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { createLocalProgramStack, type EngineOptions, type EngineStack } from "./engine";
import { repoRoot } from "./nativePlugin";

const exec = promisify(execFile);

export const pluginVersion: string = (
  JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }
).version;

/** Builds (or keeps) the linux-amd64 archive and gives its path. */
export async function buildPluginArchive(): Promise<string> {
  await exec("bash", [join(repoRoot, "scripts", "plugin-archive.sh"), "--platform", "linux-amd64"], {
    cwd: repoRoot,
    maxBuffer: 16 * 1024 * 1024,
  });
  return join(repoRoot, "archives", `pulumi-resource-cometapi-v${pluginVersion}-linux-amd64.tar.gz`);
}

/**
 * PATH without this repository's folders (node_modules/.bin, the Node of .tools/) and without any
 * folder holding a `pulumi-resource-cometapi`: what a user of the archive has, so the engine can
 * only find the installed plugin.
 */
export function pathWithoutOurs(path = process.env.PATH ?? ""): string {
  return path
    .split(delimiter)
    .filter(
      (dir) => dir !== "" && !dir.startsWith(repoRoot) && !existsSync(join(dir, "pulumi-resource-cometapi")),
    )
    .join(delimiter);
}

/**
 * Builds the archive and installs it into the PULUMI_HOME of `env`, as the docs say:
 * `pulumi plugin install resource cometapi <version> --file <archive>`. Returns `pulumi plugin ls`.
 */
export async function installPluginArchive(env: NodeJS.ProcessEnv): Promise<string> {
  if (!env.PULUMI_HOME) throw new Error("installPluginArchive needs a private PULUMI_HOME in env");
  const archive = await buildPluginArchive();
  await exec("pulumi", ["plugin", "install", "resource", "cometapi", pluginVersion, "--file", archive], {
    env,
  });
  return (await exec("pulumi", ["plugin", "ls"], { env, encoding: "utf8" })).stdout;
}

/**
 * The stack of the Pulumi YAML project in `workDir`, run through the plugin as a user installs it:
 * `connection` (from `emulatorConnection`), nothing of ours on PATH, and the archive installed
 * into the stack's private PULUMI_HOME.
 */
export async function createArchivePluginStack(
  workDir: string,
  connection: Required<Pick<EngineOptions, "envVars" | "config">>,
): Promise<EngineStack> {
  const engine = await createLocalProgramStack(workDir, {
    envVars: { ...connection.envVars, PATH: pathWithoutOurs() },
    config: connection.config,
  });
  await installPluginArchive({ ...process.env, ...engine.envVars });
  return engine;
}
