/**
 * `npm run demo` as users run it: the built `dist/demo/demo.js` (tests run after `npm run build`),
 * once, with its own state folder and stack name so that it cannot collide with a demo someone
 * runs by hand. Asserts the exit code, the narration's key lines, that no key value or token
 * leaks into the output, and that it cleaned up after itself.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator";
import { repoRoot } from "../support/engine";

function runDemo(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot(), "dist", "demo", "demo.js"), ...args], {
      cwd: repoRoot(),
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("npm run demo", () => {
  it("runs the quickstart end to end against the emulator, narrates each step and cleans up", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "cometapi-demo-test-"));
    const stateDir = join(scratch, "state");
    const stackName = `demo-test-${Date.now().toString(36)}`;
    try {
      const { code, output } = await runDemo([], {
        COMETAPI_DEMO_STATE_DIR: stateDir,
        COMETAPI_DEMO_STACK: stackName,
      });
      expect(code, output).toBe(0);
      for (const line of [
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
        /✔ destroy: 3 delete/,
        /✔ keys left in the emulator: 0/,
        /Done in \d+ s/,
      ]) {
        expect(output).toMatch(line);
      }
      // The engine's own output is streamed, indented under the narration.
      expect(output).toMatch(/│ Resources:/);
      // Never a full key (`sk-` + 48 characters) nor the secret output's value.
      expect(output).not.toMatch(/sk-[0-9A-Za-z]{48}/);
      expect(output).toMatch(/backendKey +: \[secret\]/);
      // Cleaned up: the state folder and the stack's config file are gone.
      expect(existsSync(stateDir)).toBe(false);
      expect(existsSync(join(repoRoot(), `Pulumi.${stackName}.yaml`))).toBe(false);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
      rmSync(join(repoRoot(), `Pulumi.${stackName}.yaml`), { force: true });
    }
  });

  it("refuses --real without COMETAPI_ACCESS_TOKEN and creates nothing", async () => {
    const env: Record<string, string> = { COMETAPI_ACCESS_TOKEN: "" };
    const { code, output } = await runDemo(["--real"], env);
    expect(code).toBe(2);
    expect(output).toMatch(/--real needs COMETAPI_ACCESS_TOKEN/);
  });

  it("--real without --yes previews against the service and creates nothing", async () => {
    // The emulator stands in for the real service: --real reads only COMETAPI_* variables.
    const emulator = await startEmulator();
    const scratch = mkdtempSync(join(tmpdir(), "cometapi-demo-real-"));
    const stackName = `demo-real-test-${Date.now().toString(36)}`;
    try {
      const { code, output } = await runDemo(["--real"], {
        COMETAPI_BASE_URL: emulator.url,
        COMETAPI_ACCESS_TOKEN: emulator.accessToken,
        COMETAPI_USER_ID: String(emulator.userId),
        COMETAPI_DEMO_STATE_DIR: join(scratch, "state"),
        COMETAPI_DEMO_STACK: stackName,
      });
      expect(code, output).toBe(0);
      expect(output).toMatch(/✔ authenticated as user 1; 0 key\(s\) in the account/);
      expect(output).toMatch(/✔ preview: 3 create/);
      expect(output).toMatch(/Nothing was created/);
      expect(output).not.toContain(emulator.accessToken);
      expect(await emulator.control.keys()).toEqual([]);
      const counts = await emulator.control.requestCounts();
      expect(Object.keys(counts).filter((route) => !route.startsWith("GET "))).toEqual([]);
      expect(existsSync(join(repoRoot(), `Pulumi.${stackName}.yaml`))).toBe(false);
    } finally {
      await emulator.close();
      rmSync(scratch, { recursive: true, force: true });
      rmSync(join(repoRoot(), `Pulumi.${stackName}.yaml`), { force: true });
    }
  });
});
