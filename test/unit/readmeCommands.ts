/**
 * The commands the documentation shows: every line of the ```sh blocks of README.md, then of the
 * pages in docs/ (in file-name order), without trailing `# comments`. Shared by
 * test/unit/readme.test.ts (each command is known and run somewhere) and test/e2e/readme.test.ts
 * (the `pulumi …` ones, run for real against the emulator, in this order).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** README.md first, then every docs/*.md page. */
export function documentationPages(root: string): string[] {
  const docs = readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => join("docs", f));
  return ["README.md", ...docs];
}

export function readmeCommands(root: string): string[] {
  const commands: string[] = [];
  for (const page of documentationPages(root)) {
    const text = readFileSync(join(root, page), "utf8");
    for (const block of text.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```$/gm)) {
      for (const raw of (block[1] ?? "").split("\n")) {
        const line = raw.replace(/\s+#.*$/, "").trim();
        if (line !== "" && !line.startsWith("#")) commands.push(line);
      }
    }
  }
  return commands;
}
