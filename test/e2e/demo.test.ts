/**
 * `npm run demo` as users run it: the built `dist/demo/demo.js` (tests run after `npm run build`),
 * each run with its own state folder and stack name so that it cannot collide with a demo someone
 * runs by hand. Asserts exit codes, the narration's key lines, that no key value or token leaks
 * into the output, `--keep` (and the `pulumi preview` it tells you to run), running twice in a
 * row, cleanup, and `--real` against an emulator standing in for the real service.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { repoRoot } from "../support/engine";

const DEMO = join(repoRoot(), "dist", "demo", "demo.js");
/** A full key value (`sk-` + 48 characters) must never be printed. */
const FULL_KEY = /sk-[0-9A-Za-z]{48}/;

function startDemo(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [DEMO, ...args], {
    cwd: repoRoot(),
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  return { child, output: () => output };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    child.on("error", reject);
    child.on("close", (code) => resolve(code));
  });
}

async function runDemo(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const { child, output } = startDemo(args, env);
  const code = await exitOf(child);
  return { code, output: output() };
}

async function waitFor(text: string, output: () => string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 1200; i += 1) {
    if (output().includes(text)) return;
    if (child.exitCode !== null)
      throw new Error(`demo exited (${child.exitCode}) before "${text}":\n${output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for "${text}":\n${output()}`);
}

/** The narration of a complete emulator run. */
const NARRATION = [
  /▶ \[1\/10\] emulator: /,
  /✔ preview: 3 create/,
  /✔ backend: id \d+, sk-\w{4}\*{10}\w{4}, enabled, remaining quota 5,000,000/,
  /✔ batch: id \d+, sk-\w{4}\*{10}\w{4}, disabled/,
  /call 3: gpt-4o-mini → HTTP 200; backend's remaining quota is now 4,925,000/,
  /gpt-4o \(not in backend's models\) → HTTP 403 model_not_allowed/,
  /the disabled batch key → HTTP 401 token_disabled/,
  /✔ refresh: 3 same; backend's remainingQuota in state: 4,925,000, usedQuota 75,000/,
  /✔ preview: 1 same, 2 update/,
  /✔ up: 1 same, 2 update/,
  /claude-3-5-sonnet with backend now → HTTP 403 model_not_allowed/,
  /key +name +id +masked key +status +remaining quota +used +models/,
  /backend +backend-\w+ +\d+ +sk-\w{4}\*{10}\w{4} +enabled +4,925,000 +75,000 +gpt-4o-mini/,
  /batch +batch-\w+ +\d+ +sk-\w{4}\*{10}\w{4} +enabled +unlimited/,
];

describe("npm run demo", () => {
  it("--keep leaves a stack you can preview by hand; the next run destroys it first, runs fully and cleans up", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "cometapi-demo-test-"));
    const stackName = `demo-test-${Date.now().toString(36)}`;
    const stackFile = join(repoRoot(), `Pulumi.${stackName}.yaml`);
    const env = { COMETAPI_DEMO_STATE_DIR: join(scratch, "state"), COMETAPI_DEMO_STACK: stackName };
    try {
      // 1. --keep: full run up to the summary, then instructions, then it waits for Ctrl-C.
      const kept = startDemo(["--keep"], env);
      await waitFor("Press Ctrl-C", kept.output, kept.child);
      for (const line of NARRATION) expect(kept.output()).toMatch(line);
      expect(kept.output()).toMatch(/▶ \[10\/10\] keep: /);

      // 2. The printed commands work: `pulumi preview` by hand against the kept stack.
      const exports = Object.fromEntries(
        [...kept.output().matchAll(/^ {2}export (PULUMI_BACKEND_URL|PULUMI_CONFIG_PASSPHRASE)=(\S+)$/gm)].map(
          (m) => [m[1] as string, m[2] as string],
        ),
      );
      expect(Object.keys(exports).sort()).toEqual(["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE"]);
      expect(kept.output()).toContain(`pulumi preview --stack ${stackName}`);
      const preview = await promisify(execFile)("pulumi", ["preview", "--stack", stackName], {
        cwd: repoRoot(),
        env: {
          ...process.env,
          ...exports,
          PULUMI_SKIP_UPDATE_CHECK: "true",
          PULUMI_HOME: join(scratch, "home"),
        },
      });
      expect(preview.stdout).toMatch(/3 unchanged/);

      // 3. Ctrl-C stops the emulator and keeps the stack.
      kept.child.kill("SIGINT");
      expect(await exitOf(kept.child)).toBe(0);
      expect(kept.output()).toMatch(/Stopping the emulator/);
      expect(existsSync(stackFile)).toBe(true);

      // 4. Running again: the leftovers are destroyed first, then the whole demo, then cleanup.
      const { code, output } = await runDemo([], env);
      expect(code, output).toBe(0);
      expect(output).toMatch(/Found 2 key\(s\) left in stack .* destroying them first/);
      for (const line of [
        ...NARRATION,
        /✔ destroy: 3 delete/,
        /✔ keys left in the emulator: 0/,
        /Done in \d+ s/,
      ]) {
        expect(output).toMatch(line);
      }
      // The engine's own output is streamed, indented under the narration.
      expect(output).toMatch(/│ Resources:/);
      expect(output).toMatch(/backendKey +: \[secret\]/);
      for (const text of [kept.output(), output]) expect(text).not.toMatch(FULL_KEY);
      // Cleaned up: the state folder and the stack's config file are gone.
      expect(existsSync(env.COMETAPI_DEMO_STATE_DIR)).toBe(false);
      expect(existsSync(stackFile)).toBe(false);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
      rmSync(stackFile, { force: true });
    }
  });

  it("refuses --real without COMETAPI_ACCESS_TOKEN", async () => {
    const { code, output } = await runDemo(["--real"], { COMETAPI_ACCESS_TOKEN: "" });
    expect(code).toBe(2);
    expect(output).toMatch(/--real needs COMETAPI_ACCESS_TOKEN/);
  });

  describe("--real, with an emulator standing in for the real service (it reads only COMETAPI_* variables)", () => {
    async function withStandIn(
      body: (emulator: RunningEmulator, env: Record<string, string>) => Promise<void>,
    ): Promise<void> {
      const emulator = await startEmulator();
      const scratch = mkdtempSync(join(tmpdir(), "cometapi-demo-real-"));
      const stackName = `demo-real-test-${Date.now().toString(36)}`;
      try {
        await body(emulator, {
          COMETAPI_BASE_URL: emulator.url,
          COMETAPI_ACCESS_TOKEN: emulator.accessToken,
          COMETAPI_USER_ID: String(emulator.userId),
          COMETAPI_DEMO_STATE_DIR: join(scratch, "state"),
          COMETAPI_DEMO_STACK: stackName,
        });
        expect(existsSync(join(repoRoot(), `Pulumi.${stackName}.yaml`))).toBe(false);
      } finally {
        await emulator.close();
        rmSync(scratch, { recursive: true, force: true });
        rmSync(join(repoRoot(), `Pulumi.${stackName}.yaml`), { force: true });
      }
    }

    it("without --yes: checks the token, previews, creates nothing", async () => {
      await withStandIn(async (emulator, env) => {
        const { code, output } = await runDemo(["--real"], env);
        expect(code, output).toBe(0);
        expect(output).toMatch(/✔ authenticated as user 1; 0 key\(s\) in the account/);
        expect(output).toMatch(/✔ preview: 3 create/);
        expect(output).toMatch(/Nothing was created/);
        expect(output).not.toContain(emulator.accessToken);
        expect(await emulator.control.keys()).toEqual([]);
        const counts = await emulator.control.requestCounts();
        expect(Object.keys(counts).filter((route) => !route.startsWith("GET "))).toEqual([]);
      });
    });

    it("with --yes: creates, updates and destroys the two keys, without model calls", async () => {
      await withStandIn(async (emulator, env) => {
        const { code, output } = await runDemo(["--real", "--yes"], env);
        expect(code, output).toBe(0);
        for (const line of [
          /▶ \[3\/9\] up: /,
          /✔ preview: 1 same, 2 update/,
          /backend +backend-\w+ +\d+ +sk-\w{4}\*{10}\w{4} +enabled +5,000,000 +0 +gpt-4o-mini/,
          /▶ \[9\/9\] destroy: /,
        ]) {
          expect(output).toMatch(line);
        }
        expect(output).not.toContain(emulator.accessToken);
        expect(output).not.toMatch(FULL_KEY);
        expect(await emulator.control.keys()).toEqual([]);
        const counts = await emulator.control.requestCounts();
        expect(counts["POST /api/token/"]?.total).toBe(2);
        expect(counts["POST /v1/chat/completions"]).toBeUndefined();
      });
    });
  });
});
