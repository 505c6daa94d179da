/**
 * docs/rotation.md tells a user how to delete, with the API, a retired key that a destroyed stack
 * left behind. That command is run here as written (only `<id>` filled), through bash with the
 * connection in the environment, against the emulator on both server profiles.
 */
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../../emulator/index";
import { inlineCommands } from "../../unit/readmeCommands";

const exec = promisify(execFile);
const root = resolve(__dirname, "..", "..", "..");

/** The documented cleanup command: the one inline `curl -X DELETE …` of the docs. */
function cleanupCommand(): string {
  const found = inlineCommands(root).filter((c) => c.startsWith("curl -X DELETE "));
  expect(found).toHaveLength(1);
  return found[0] as string;
}

describe.each(["upstream-2026-08", "new-api-2026-03"] as const)(
  "the documented cleanup curl on %s",
  (profile) => {
    let emu: RunningEmulator | undefined;
    afterEach(async () => {
      await emu?.close();
    });

    it("deletes the key it names, and only that key", async () => {
      emu = await startEmulator({ serverProfile: profile });
      const user = emu.users[0];
      if (!user) throw new Error("the emulator has no user");
      const kept = await emu.control.createKeyDirect(user.userId, { name: "kept" });
      const retired = await emu.control.createKeyDirect(user.userId, { name: "backend~r7" });
      const command = cleanupCommand().replace("<id>", String(retired.id));
      const { stdout } = await exec("bash", ["-c", command], {
        env: {
          PATH: process.env.PATH ?? "",
          COMETAPI_ACCESS_TOKEN: user.accessToken,
          COMETAPI_USER_ID: String(user.userId),
          COMETAPI_BASE_URL: emu.url,
        },
      });
      expect(JSON.parse(stdout)).toMatchObject({ success: true });
      expect((await emu.control.keys(user.userId)).map((k) => k.id)).toEqual([kept.id]);
    });
  },
);
