/**
 * A bare Node script (no engine keeping the process alive) that creates a key gets its answer:
 * every timer a pending create waits on keeps the process up until the create settles. A child
 * process runs the BUILT provider (`dist/`, `npm run build` first) against the emulator.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { useEmulator } from "../../support/emulatorHooks";
import { repoRoot } from "../../support/engine";

const exec = promisify(execFile);
const emu = useEmulator({ resetEach: true });

describe("a create from a bare script", () => {
  it("settles even when its first listing fails and the next waits on a retry timer", async () => {
    // The baseline listing passes; the first listing that looks for the new key fails once.
    await emu.control.injectFault({ method: "GET", route: "/api/token/", kind: "business-error", skip: 1 });
    const script = `
      const { createCometApiKeyProvider } = require("./dist/provider/key/lifecycle.js");
      const p = createCometApiKeyProvider({
        connection: { baseUrl: ${JSON.stringify(emu.url)}, accessToken: ${JSON.stringify(emu.accessToken)} },
      });
      (async () => {
        const { inputs } = await p.check({}, { __logicalName: "bare", quota: 1000 });
        const { id } = await p.create(inputs);
        console.log("created " + id);
      })().catch((e) => { console.log("failed " + e.message); });
    `;
    const { stdout } = await exec(process.execPath, ["-e", script], { cwd: repoRoot(), timeout: 60_000 });
    const [key] = await emu.control.keys();
    expect(stdout.trim()).toBe(`created ${key?.id}`);
  });
});
