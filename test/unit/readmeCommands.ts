/**
 * The commands the README shows: every line of its ```sh blocks, without trailing `# comments`.
 * Shared by test/unit/readme.test.ts (each command is known and run somewhere) and
 * test/e2e/readme.test.ts (the `pulumi …` ones, run for real against the emulator).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export function readmeCommands(root: string): string[] {
  const text = readFileSync(join(root, "README.md"), "utf8");
  const commands: string[] = [];
  for (const block of text.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```$/gm)) {
    for (const raw of (block[1] ?? "").split("\n")) {
      const line = raw.replace(/\s+#.*$/, "").trim();
      if (line !== "" && !line.startsWith("#")) commands.push(line);
    }
  }
  return commands;
}
