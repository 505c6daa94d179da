/**
 * Helpers that run the REAL Pulumi engine through the Automation API for the end-to-end tests,
 * always on a local `file://` backend (never the hosted Pulumi Cloud). The CLI lookup and the
 * backend environment come from `engine/localEngine.ts`, shared with the demo and the bench.
 *
 * - {@link createInlineStack}: the program is a function in this process (no language host).
 * - {@link createLocalProgramStack}: the program is a directory with a Pulumi.yaml, run by
 *   `pulumi-language-nodejs` (TypeScript through the project's typescript + ts-node).
 *
 * Both need the `pulumi` CLI on PATH, with `pulumi-language-nodejs` and
 * `pulumi-resource-pulumi-nodejs` (the dynamic-provider plugin) next to it or on PATH:
 * `scripts/pulumi-toolchain.sh` provides exactly that, and `npm test` / `npm run demo` /
 * `npm run bench` call it. Without the CLI, {@link requirePulumiCli} throws: the end-to-end suite
 * fails rather than skips.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  LocalWorkspace,
  type LocalWorkspaceOptions,
  type PulumiFn,
  type Stack,
} from "@pulumi/pulumi/automation";
import { localBackendEnv, pulumiCommand, repoRoot, requirePulumi } from "../../engine/localEngine";

export { repoRoot };

/** Options shared by both stack variants. */
export interface EngineOptions {
  /** Stack name; defaults to a unique `e2e-<time>-<random>` name. */
  stackName?: string;
  /**
   * Directory of the `file://` backend (created if missing, kept by cleanup). Defaults to a
   * `state/` folder in a fresh temp dir that cleanup removes.
   */
  backendDir?: string;
  /** Passphrase of the passphrase secrets provider; defaults to a fixed test value. */
  passphrase?: string;
  /** Extra environment for every `pulumi` command (and so for the plugins it starts). */
  envVars?: Record<string, string>;
  /** Stack configuration to set before returning, e.g. `{ "cometapi:baseUrl": { value: "…" } }`. */
  config?: Record<string, { value: string; secret?: boolean }>;
}

/** Options of {@link createInlineStack}. */
export interface InlineStackOptions extends EngineOptions {
  /**
   * Working directory of the workspace (Pulumi.yaml is written there). Defaults to a temp dir
   * whose `node_modules` is a symlink to this repo's, so that the dynamic-provider plugin, which
   * runs in this directory, resolves `@pulumi/pulumi/cmd/dynamic-provider`.
   */
  workDir?: string;
}

/** A stack on a local backend plus what it takes to tear it down. */
export interface EngineStack {
  /** The Automation API stack. */
  readonly stack: Stack;
  /** The `file://` URL of the backend. */
  readonly backendUrl: string;
  /** Temp dir owned by this stack (removed by cleanup), holding state/home/work as applicable. */
  readonly tempDir: string;
  /** The environment every `pulumi` command of this stack runs with (on top of process.env). */
  readonly envVars: Readonly<Record<string, string>>;
  /**
   * Destroys the stack's resources (unless `{ destroy: false }`), removes the stack from the
   * backend and deletes the temp dir. Safe to call twice; errors are collected and rethrown after
   * every step ran.
   */
  cleanup(opts?: { destroy?: boolean }): Promise<void>;
}

const DEFAULT_PASSPHRASE = "pulumi-cometapi-e2e";

/** The repository root: the nearest ancestor whose package.json is this package's. */
/**
 * Returns the path of the `pulumi` CLI on PATH, or throws a clear error when there is none (the
 * end-to-end suite must fail, never skip, without the engine).
 */
export function requirePulumiCli(): string {
  return requirePulumi("the end-to-end suite", "npm test");
}

/** The output of `pulumi version` of the CLI on PATH, e.g. `v3.276.0`. */
export function pulumiCliVersion(): string {
  return execFileSync(requirePulumiCli(), ["version"], {
    encoding: "utf8",
    env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
  }).trim();
}

function uniqueStackName(): string {
  return `e2e-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

interface Prepared {
  tempDir: string;
  backendUrl: string;
  envVars: Record<string, string>;
  stackName: string;
  wsOptions: LocalWorkspaceOptions;
}

async function prepare(opts: EngineOptions): Promise<Prepared> {
  const command = await pulumiCommand(requirePulumiCli());
  const tempDir = mkdtempSync(join(tmpdir(), "cometapi-engine-"));
  const backendDir = resolve(opts.backendDir ?? join(tempDir, "state"));
  mkdirSync(backendDir, { recursive: true });
  const pulumiHome = join(tempDir, "home");
  mkdirSync(pulumiHome, { recursive: true });
  const backendUrl = `file://${backendDir}`;
  const envVars: Record<string, string> = {
    ...localBackendEnv({ backendDir, pulumiHome, passphrase: opts.passphrase ?? DEFAULT_PASSPHRASE }),
    ...opts.envVars,
  };
  return {
    tempDir,
    backendUrl,
    envVars,
    stackName: opts.stackName ?? uniqueStackName(),
    wsOptions: { pulumiCommand: command, envVars, pulumiHome },
  };
}

async function finish(stack: Stack, prepared: Prepared, opts: EngineOptions): Promise<EngineStack> {
  if (opts.config !== undefined) {
    await stack.setAllConfig(
      Object.fromEntries(
        Object.entries(opts.config).map(([key, v]) => [key, { value: v.value, secret: v.secret ?? false }]),
      ),
    );
  }
  let cleaned = false;
  return {
    stack,
    backendUrl: prepared.backendUrl,
    tempDir: prepared.tempDir,
    envVars: prepared.envVars,
    async cleanup(cleanupOpts?: { destroy?: boolean }): Promise<void> {
      if (cleaned) return;
      cleaned = true;
      const errors: unknown[] = [];
      if (cleanupOpts?.destroy ?? true) {
        await stack.destroy().catch((e: unknown) => errors.push(e));
      }
      // `stack rm` also deletes the Pulumi.<stack>.yaml the workspace wrote next to Pulumi.yaml.
      await stack.workspace.removeStack(stack.name).catch((e: unknown) => errors.push(e));
      try {
        rmSync(prepared.tempDir, { recursive: true, force: true });
      } catch (e) {
        errors.push(e);
      }
      if (errors.length > 0) throw new AggregateError(errors, `cleanup of stack ${stack.name} failed`);
    },
  };
}

/**
 * Creates (or selects) a stack of an inline program on a local `file://` backend.
 *
 * @param projectName Pulumi project name.
 * @param program The program, run in this process by the Automation API.
 * @param opts Backend, stack, env and config options; see {@link InlineStackOptions}.
 * @returns The stack and its cleanup function.
 */
export async function createInlineStack(
  projectName: string,
  program: PulumiFn,
  opts: InlineStackOptions = {},
): Promise<EngineStack> {
  const prepared = await prepare(opts);
  let workDir = opts.workDir;
  if (workDir === undefined) {
    workDir = join(prepared.tempDir, "work");
    mkdirSync(workDir, { recursive: true });
    symlinkSync(join(repoRoot(), "node_modules"), join(workDir, "node_modules"), "dir");
  }
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: prepared.stackName, projectName, program },
    { ...prepared.wsOptions, workDir },
  );
  return finish(stack, prepared, opts);
}

/**
 * Creates (or selects) a stack of a program on disk (a directory with a Pulumi.yaml), run by the
 * Node language host, on a local `file://` backend. The workspace writes `Pulumi.<stack>.yaml`
 * into `workDir`; cleanup removes it with the stack.
 *
 * @param workDir Directory holding the program's Pulumi.yaml.
 * @param opts Backend, stack, env and config options; see {@link EngineOptions}.
 * @returns The stack and its cleanup function.
 */
export async function createLocalProgramStack(
  workDir: string,
  opts: EngineOptions = {},
): Promise<EngineStack> {
  const prepared = await prepare(opts);
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: prepared.stackName, workDir: resolve(workDir) },
    prepared.wsOptions,
  );
  return finish(stack, prepared, opts);
}

/**
 * Stack options that connect the provider to an emulator through stack config only: the token
 * as a secret, and no `COMETAPI_*` variables from the environment to fall back on.
 */
export function emulatorConnection(emu: {
  url: string;
  accessToken: string;
  userId: number;
}): Required<Pick<EngineOptions, "envVars" | "config">> {
  return {
    envVars: { COMETAPI_ACCESS_TOKEN: "", COMETAPI_BASE_URL: "", COMETAPI_USER_ID: "" },
    config: {
      "cometapi:accessToken": { value: emu.accessToken, secret: true },
      "cometapi:baseUrl": { value: emu.url },
      "cometapi:userId": { value: String(emu.userId) },
    },
  };
}
