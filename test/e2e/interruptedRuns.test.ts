/**
 * Runs that stop early lose nothing (issue 21), through the real engine with real signals sent to
 * the `pulumi` CLI, for both front doors: the TypeScript `CometApiKey` (dynamic provider) and the
 * native plugin from a YAML program. The emulator answers key reveals with 429, as new-api does
 * once its 20-per-20-minutes reveal limit is used up: the run is stuck in a reveal.
 *
 * - One SIGINT (Ctrl-C): the engine calls Cancel; the run ends within 15 s with no more reveal
 *   requests, and every key it created is in the state under its resource (by id).
 * - The next `up`, with reveals answered again, creates no second key and finishes the first ones.
 * - SIGKILL of the CLI while creates are held back by 429: the provider process finds its engine
 *   gone, sends nothing more (no key appears once the service answers again) and exits.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import { createLocalProgramStack, type EngineStack, emulatorConnection } from "../support/engine";
import { createArchivePluginStack } from "../support/pluginArchive";
import { startPulumi, waitFor } from "../support/pulumiProcess";

const execFileAsync = promisify(execFile);
/** The jq filter of docs/interrupted-runs.md that lists the pending creates with their names. */
const PENDING_CREATES_JQ =
  '.deployment.pending_operations[]? | select(.type == "creating") | "\\(.resource.urn) \\(.resource.inputs.name)"';
const KEYS = 3;
const REVEAL_ROUTES = ["POST /api/token/:id/key", "POST /api/token/batch/keys"];

/** The YAML program: `KEYS` auto-named keys, or named `explicit-key<i>`. */
const yamlProgram = (explicitNames: boolean) => `name: cometapi-e2e-interrupted-yaml
runtime: yaml
resources:
${Array.from({ length: KEYS }, (_, i) => `  key${i}:\n    type: cometapi:index:ApiKey\n    properties:\n      quota: 1000\n${explicitNames ? `      name: explicit-key${i}\n` : ""}`).join("")}`;

interface FrontDoor {
  name: string;
  /**
   * Sets up a stack of the program (its keys named `explicit-key<i>` with `explicitNames`);
   * returns it and the directory to run `pulumi` in.
   */
  setUp(
    emu: RunningEmulator,
    options?: { explicitNames?: boolean },
  ): Promise<{ engine: EngineStack; cwd: string; cleanup(): void }>;
}

const FRONT_DOORS: FrontDoor[] = [
  {
    name: "TypeScript CometApiKey (dynamic provider)",
    async setUp(emu, options = {}) {
      const cwd = join(__dirname, "fixtures", "interrupted-program");
      const connection = emulatorConnection(emu);
      const engine = await createLocalProgramStack(cwd, {
        envVars: connection.envVars,
        config: {
          ...connection.config,
          keyCount: { value: String(KEYS) },
          ...(options.explicitNames ? { explicitNames: { value: "true" } } : {}),
        },
      });
      return { engine, cwd, cleanup: () => {} };
    },
  },
  {
    name: "native plugin from YAML",
    async setUp(emu, options = {}) {
      const cwd = mkdtempSync(join(tmpdir(), "cometapi-e2e-interrupted-"));
      writeFileSync(join(cwd, "Pulumi.yaml"), yamlProgram(options.explicitNames === true));
      const connection = emulatorConnection(emu);
      const engine = await createArchivePluginStack(cwd, connection);
      return { engine, cwd, cleanup: () => rmSync(cwd, { recursive: true, force: true }) };
    },
  },
];

async function revealRequests(emu: RunningEmulator): Promise<number> {
  const counts = await emu.control.requestCounts();
  return REVEAL_ROUTES.reduce((n, route) => n + (counts[route]?.total ?? 0), 0);
}

/** The key resources in the stack's state: logical name → id. */
async function keysInState(engine: EngineStack): Promise<Record<string, string>> {
  const state = await engine.stack.exportStack();
  const resources = (state.deployment.resources ?? []) as { type: string; urn: string; id?: string }[];
  return Object.fromEntries(
    resources
      .filter((r) => /:(Comet)?ApiKey$/.test(r.type))
      .map((r) => [r.urn.split("::").at(-1) as string, r.id ?? ""]),
  );
}

/** The provider processes among the descendants of `pid`: the dynamic-provider host or our plugin. */
function providerProcesses(pid: number): number[] {
  const found: number[] = [];
  const visit = (parent: number) => {
    let children: number[] = [];
    try {
      children = execFileSync("ps", ["-o", "pid=", "--ppid", String(parent)], { encoding: "utf8" })
        .split("\n")
        .map((line) => Number(line.trim()))
        .filter((n) => n > 0);
    } catch {
      // no children
    }
    for (const child of children) {
      if (/dynamic-provider|pulumi-resource-cometapi/.test(commandLine(child))) found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return commandLine(pid) !== "";
  } catch {
    return false;
  }
}

describe.each(FRONT_DOORS)("interrupted runs: $name", (door) => {
  let emu: RunningEmulator;
  let setUp: Awaited<ReturnType<FrontDoor["setUp"]>> | undefined;
  beforeEach(async () => {
    emu = await startEmulator();
    setUp = await door.setUp(emu);
  });
  afterEach(async () => {
    await emu.control.clearFaults();
    await setUp?.engine.cleanup();
    setUp?.cleanup();
    await emu.close();
  });

  it.each(["SIGINT", "SIGTERM"] as const)(
    "one %s (Ctrl-C, a CI timeout) during a stuck reveal ends the run, no reveal after it, every key in the state",
    async (signal) => {
      const { engine, cwd } = setUp as NonNullable<typeof setUp>;
      for (const route of REVEAL_ROUTES) {
        const [method, path] = route.split(" ") as ["POST", string];
        await emu.control.injectFault({ method, route: path, kind: "rate-limit", times: 0 });
      }
      const run = startPulumi(
        ["up", "--yes", "--skip-preview", "--non-interactive", "-s", engine.stack.name],
        {
          cwd,
          env: engine.envVars,
        },
      );
      try {
        await waitFor("every key created and a reveal refused", async () => {
          return (await emu.control.keys()).length === KEYS && (await revealRequests(emu)) > 0;
        });
        // Let the provider settle into its rate-limit pause.
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        const revealsAtSigint = await revealRequests(emu);
        const sigintAt = Date.now();
        run.child.kill(signal);
        const ended = await Promise.race([
          run.exited.then(() => Date.now() - sigintAt),
          new Promise<number>((resolve) => setTimeout(() => resolve(Number.POSITIVE_INFINITY), 60_000)),
        ]);
        console.log(`${door.name}: the run ended ${(ended / 1000).toFixed(1)} s after one ${signal}`);
        // Tests never assert on wall time: the figure is printed (issue 21 asks <= 15 s; before the
        // fix a run sat out the 300 s retry budget). 60 s only tells a stop from a run that goes on.
        expect(ended).not.toBe(Number.POSITIVE_INFINITY);
        expect(await revealRequests(emu)).toBe(revealsAtSigint);
        // Every key the run created is in the state under its resource.
        const live = (await emu.control.keys()).map((k) => String(k.id)).sort();
        expect(Object.values(await keysInState(engine)).sort()).toEqual(live);
      } finally {
        if (run.child.exitCode === null) run.child.kill("SIGKILL");
        await run.exited;
      }
      // Reveals answer again: the next up finishes the same keys and makes no new one.
      await emu.control.clearFaults();
      const before = (await emu.control.keys()).map((k) => k.id);
      const next = await engine.stack.up();
      expect(next.summary.result).toBe("succeeded");
      expect((await emu.control.keys()).map((k) => k.id)).toEqual(before);
    },
  );
});

describe.each(FRONT_DOORS)("no engine, no work: $name", (door) => {
  let emu: RunningEmulator;
  let setUp: Awaited<ReturnType<FrontDoor["setUp"]>> | undefined;
  let orphans: number[] = [];
  beforeEach(async () => {
    emu = await startEmulator();
    setUp = await door.setUp(emu);
  });
  afterEach(async () => {
    for (const pid of orphans.filter(alive)) process.kill(pid, "SIGKILL");
    await emu.control.clearFaults();
    // The killed CLI left the stack locked.
    await setUp?.engine.stack.cancel().catch(() => undefined);
    await setUp?.engine.cleanup();
    setUp?.cleanup();
    await emu.close();
  });

  it("after SIGKILL of the CLI, the provider process sends nothing more and exits within seconds", async () => {
    const { engine, cwd } = setUp as NonNullable<typeof setUp>;
    await emu.control.injectFault({ method: "POST", route: "/api/token/", kind: "rate-limit", times: 0 });
    const run = startPulumi(["up", "--yes", "--skip-preview", "--non-interactive", "-s", engine.stack.name], {
      cwd,
      env: engine.envVars,
    });
    await waitFor("a create held back by 429", async () => {
      const counts = await emu.control.requestCounts();
      return (counts["POST /api/token/"]?.byStatus["429"] ?? 0) > 0;
    });
    orphans = providerProcesses(run.child.pid as number);
    expect(orphans.length).toBeGreaterThan(0);
    run.child.kill("SIGKILL");
    await run.exited;
    // The service answers again: a provider still at work would now create its keys.
    await emu.control.clearFaults();
    await waitFor("the provider processes to exit", async () => orphans.every((pid) => !alive(pid)), 15_000);
    const after = await emu.control.requestCounts();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await emu.control.requestCounts()).toEqual(after);
    expect(await emu.control.keys()).toEqual([]);
  });
});

describe.each(FRONT_DOORS)("stable auto-names: $name", (door) => {
  let emu: RunningEmulator;
  let setUp: Awaited<ReturnType<FrontDoor["setUp"]>> | undefined;
  beforeEach(async () => {
    emu = await startEmulator();
    setUp = await door.setUp(emu);
  });
  afterEach(async () => {
    await setUp?.engine.cleanup();
    setUp?.cleanup();
    await emu.close();
  });

  it("the names a preview shows are the names up creates", async () => {
    const { engine } = setUp as NonNullable<typeof setUp>;
    const previewed: string[] = [];
    await engine.stack.preview({
      onEvent: (event) => {
        const name = event.resourcePreEvent?.metadata.new?.inputs?.name;
        if (typeof name === "string") previewed.push(name);
      },
    });
    expect(previewed).toHaveLength(KEYS);
    await engine.stack.up();
    const created = (await emu.control.keys()).map((k) => k.name);
    expect(created.sort()).toEqual(previewed.sort());
  });
});

/**
 * Runs `pulumi <args>` to its end, as docs/interrupted-runs.md shows it; resolves with its output.
 * Asynchronous: the emulator answering the provider runs in this process.
 */
async function pulumiCommand(args: string[], cwd: string, env: Record<string, string>): Promise<string> {
  try {
    const { stdout } = await execFileAsync("pulumi", args, {
      timeout: 120_000,
      cwd,
      env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true", ...env },
      encoding: "utf8",
    });
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`pulumi ${args.join(" ")}: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
  }
}

interface PendingCreate {
  urn: string;
  name: string;
}

/** `pulumi stack export`'s pending creates: the recovery's list of keys to look for. */
async function pendingCreates(
  cwd: string,
  env: Record<string, string>,
  stackName: string,
): Promise<PendingCreate[]> {
  const state = JSON.parse(await pulumiCommand(["stack", "export", "-s", stackName], cwd, env)) as {
    deployment: {
      pending_operations?: { type: string; resource: { urn: string; inputs: { name: string } } }[];
    };
  };
  return (state.deployment.pending_operations ?? [])
    .filter((op) => op.type === "creating")
    .map((op) => ({ urn: op.resource.urn, name: op.resource.inputs?.name ?? "" }));
}

describe.each(FRONT_DOORS)("after a killed run: $name", (door) => {
  let emu: RunningEmulator;
  let setUp: Awaited<ReturnType<FrontDoor["setUp"]>> | undefined;
  beforeEach(async () => {
    emu = await startEmulator();
    setUp = await door.setUp(emu);
  });
  afterEach(async () => {
    await emu.control.clearFaults();
    await setUp?.engine.stack.cancel().catch(() => undefined);
    await setUp?.engine.cleanup();
    setUp?.cleanup();
    await emu.close();
  });

  it("SIGKILL after the service committed the creates: the documented recovery puts each key under its resource, no second key; --import-pending-creates imports nothing", async () => {
    const { engine, cwd } = setUp as NonNullable<typeof setUp>;
    const stackName = engine.stack.name;
    const env = engine.envVars;
    // The service commits each create 6 s after it arrived; the CLI is killed before that.
    await emu.control.injectFault({
      method: "POST",
      route: "/api/token/",
      kind: "late-commit",
      commitAfterMs: 6_000,
      times: 0,
    });
    const run = startPulumi(["up", "--yes", "--skip-preview", "--non-interactive", "-s", stackName], {
      cwd,
      env,
    });
    await waitFor(
      "every create pending in the state",
      async () => (await pendingCreates(cwd, env, stackName)).length === KEYS,
    );
    run.child.kill("SIGKILL");
    await run.exited;
    await waitFor("every create committed", async () => (await emu.control.keys()).length === KEYS);
    await emu.control.clearFaults();

    // Step 1: unlock the stack; step 2: the creates the engine never recorded, with their names.
    await pulumiCommand(["cancel", "--yes", "-s", stackName], cwd, env);
    const pending = await pendingCreates(cwd, env, stackName);
    expect(pending).toHaveLength(KEYS);
    // The listing as the docs show it (with the stack named).
    const { stdout: listed } = await execFileAsync(
      "sh",
      ["-c", `pulumi stack export -s ${stackName} | jq -r '${PENDING_CREATES_JQ}'`],
      { cwd, env: { ...process.env, ...env } },
    );
    expect(listed.trim().split("\n").sort()).toEqual(pending.map((p) => `${p.urn} ${p.name}`).sort());
    const live = await emu.control.keys();
    // The auto-names are stable: each pending create names the key the service holds.
    const idOf = new Map(live.map((k) => [k.name, k.id]));
    for (const p of pending) expect(idOf.has(p.name), p.name).toBe(true);

    // What Pulumi itself offers does not help on v3.276: it imports nothing…
    const [first] = pending as [PendingCreate];
    const saved = join(engine.tempDir, "before-refresh.json");
    await pulumiCommand(["stack", "export", "-s", stackName, "--file", saved], cwd, env);
    await pulumiCommand(
      [
        "refresh",
        "--yes",
        "--non-interactive",
        "-s",
        stackName,
        "--import-pending-creates",
        first.urn,
        "--import-pending-creates",
        String(idOf.get(first.name)),
      ],
      cwd,
      env,
    );
    expect(Object.keys(await keysInState(engine))).toEqual([]);
    // …and the pending create it was given is gone from the state, the engine's warning with it.
    expect(await pendingCreates(cwd, env, stackName)).toEqual(pending.slice(1));
    await pulumiCommand(["stack", "import", "-s", stackName, "--file", saved], cwd, env);

    // Step 3 of docs/interrupted-runs.md: each key under its resource, no second key.
    const logical = (urn: string) => urn.split("::").at(-1) as string;
    if (door.name.startsWith("TypeScript")) {
      const adopt = Object.fromEntries(pending.map((p) => [logical(p.urn), idOf.get(p.name)]));
      await pulumiCommand(["config", "set", "-s", stackName, "adoptKeyIds", JSON.stringify(adopt)], cwd, env);
    } else {
      for (const p of pending) {
        const args = ["import", "--yes", "-s", stackName, "cometapi:index:ApiKey", logical(p.urn)];
        await pulumiCommand([...args, String(idOf.get(p.name))], cwd, env);
      }
    }
    await pulumiCommand(["up", "--yes", "-s", stackName], cwd, env);
    expect(Object.entries(await keysInState(engine)).sort()).toEqual(
      pending.map((p) => [logical(p.urn), String(idOf.get(p.name))]).sort(),
    );
    expect((await emu.control.keys()).map((k) => k.id).sort()).toEqual(live.map((k) => k.id).sort());
  });
});

describe.each(FRONT_DOORS)("a token a header cannot carry: $name", (door) => {
  let emu: RunningEmulator;
  let setUp: Awaited<ReturnType<FrontDoor["setUp"]>> | undefined;
  beforeEach(async () => {
    emu = await startEmulator();
    setUp = await door.setUp(emu);
  });
  afterEach(async () => {
    await setUp?.engine.cleanup();
    setUp?.cleanup();
    await emu.close();
  });

  it("up fails at once naming the setting, never the token, and sends nothing (it used to hang for ever)", async () => {
    const { engine } = setUp as NonNullable<typeof setUp>;
    const token = `${emu.accessToken}\nX-Injected: 1`;
    await engine.stack.setConfig("cometapi:accessToken", { value: token, secret: true });
    const error = await engine.stack.up().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/cometapi:accessToken \(COMETAPI_ACCESS_TOKEN\).*header cannot carry/);
    expect(error?.message).not.toContain(emu.accessToken);
    expect(await emu.control.requestCounts()).toEqual({});
  });
});

/**
 * SIGKILL of the CLI once every create is pending in the state and before the service commits
 * them (each 6 s after it arrived); resolves when the service holds the `KEYS` keys the run never
 * recorded, the stack unlocked with `pulumi cancel --yes` as docs/interrupted-runs.md says.
 */
async function killAfterCommittedCreates(
  emu: RunningEmulator,
  engine: EngineStack,
  cwd: string,
): Promise<{ id: number; name: string }[]> {
  const stackName = engine.stack.name;
  const env = engine.envVars;
  await emu.control.injectFault({
    method: "POST",
    route: "/api/token/",
    kind: "late-commit",
    commitAfterMs: 6_000,
    times: 0,
  });
  const run = startPulumi(["up", "--yes", "--skip-preview", "--non-interactive", "-s", stackName], {
    cwd,
    env,
  });
  // The CLI rewrites the checkpoint as it goes: a read in the middle of a write fails, and is repeated.
  await waitFor("every create pending in the state", async () => {
    const pending = await pendingCreates(cwd, env, stackName).catch(() => []);
    return pending.length === KEYS;
  });
  run.child.kill("SIGKILL");
  await run.exited;
  await waitFor("every create committed", async () => (await emu.control.keys()).length === KEYS);
  await emu.control.clearFaults();
  await pulumiCommand(["cancel", "--yes", "-s", stackName], cwd, env);
  expect(Object.keys(await keysInState(engine))).toEqual([]);
  return (await emu.control.keys()).map((k) => ({ id: k.id, name: k.name }));
}

describe.each(FRONT_DOORS)("no orphan after a killed run: $name", (door) => {
  let emu: RunningEmulator;
  let setUp: Awaited<ReturnType<FrontDoor["setUp"]>> | undefined;
  beforeEach(async () => {
    emu = await startEmulator();
  });
  afterEach(async () => {
    await emu.control.clearFaults();
    await setUp?.engine.stack.cancel().catch(() => undefined);
    await setUp?.engine.cleanup();
    setUp?.cleanup();
    setUp = undefined;
    await emu.close();
  });

  it.each([["pulumi up"], ["pulumi refresh, then pulumi up"]])(
    "SIGKILL after the service committed the creates: a plain %s puts each key under its resource, no second key; destroy leaves none",
    async (next) => {
      setUp = await door.setUp(emu);
      const { engine, cwd } = setUp;
      const stackName = engine.stack.name;
      const env = engine.envVars;
      const left = await killAfterCommittedCreates(emu, engine, cwd);
      if (next.includes("refresh")) await pulumiCommand(["refresh", "--yes", "-s", stackName], cwd, env);
      const output = await pulumiCommand(["up", "--yes", "-s", stackName], cwd, env);
      // Exactly the keys the killed run made, each in the state under its resource, each named in the output.
      const live = await emu.control.keys();
      expect(live.map((k) => k.id).sort()).toEqual(left.map((k) => k.id).sort());
      const state = await keysInState(engine);
      expect(Object.values(state).sort()).toEqual(left.map((k) => String(k.id)).sort());
      for (const [logical, id] of Object.entries(state)) {
        expect(live.find((k) => String(k.id) === id)?.name.startsWith(`${logical}-`)).toBe(true);
        expect(output).toContain(`resource "${logical}" takes it over instead of creating a second key`);
      }
      for (const k of left)
        expect(output).toContain(`key ${k.id} ("${k.name}") was created by a run that stopped`);
      await pulumiCommand(["destroy", "--yes", "-s", stackName], cwd, env);
      expect(await emu.control.keys()).toEqual([]);
    },
  );

  it("explicit names: the next up creates each key and warns with the id of the key the killed run left, and how to adopt it", async () => {
    setUp = await door.setUp(emu, { explicitNames: true });
    const { engine, cwd } = setUp;
    const stackName = engine.stack.name;
    const env = engine.envVars;
    const left = await killAfterCommittedCreates(emu, engine, cwd);
    const output = await pulumiCommand(["up", "--yes", "-s", stackName], cwd, env);
    const state = await keysInState(engine);
    const live = await emu.control.keys();
    expect(live).toHaveLength(2 * KEYS);
    const leftIds = new Set(left.map((k) => String(k.id)));
    expect(Object.values(state).filter((id) => leftIds.has(id))).toEqual([]);
    for (const k of left) {
      const logical = k.name.replace(/^explicit-/, "");
      expect(live.find((l) => String(l.id) === state[logical])?.name).toBe(k.name);
      expect(output).toContain(
        `create key "${k.name}" (resource "${logical}"): your account already has a key with this name that this stack does not hold (key ${k.id})`,
      );
      expect(output).toContain(`\`adoptKeyId: ${k.id}\``);
    }
    // What the warning says: the killed run's keys stay until adopted or deleted.
    await pulumiCommand(["destroy", "--yes", "-s", stackName], cwd, env);
    expect((await emu.control.keys()).map((k) => k.id).sort()).toEqual(left.map((k) => k.id).sort());
  });
});
