/**
 * The commands the documentation shows, from README.md, then the pages in docs/ (in file-name order):
 *
 * - **Block commands** (`readmeCommands`), in document order: every line of the ```sh / ```bash /
 *   ```shell blocks (indented ones in lists too), and the lines of unlabelled / ```text / ```console blocks that are commands
 *   (see `isCommand`); trailing `# comments` and comment lines dropped.
 * - **Inline commands** (`inlineCommands`), each once, in document order: the `code spans` of the
 *   prose (outside fenced blocks) that are commands, whitespace collapsed.
 *
 * A command starts with a command word (pulumi, npm, npx, node, bash, git, jq, go, curl), optionally
 * after `NAME=value ` prefixes, and has at least one argument: `pulumi up` is a command; `pulumi`,
 * `npm`, `pulumi-cometapi`, `pulumi:providers:cometapi` or `pulumi.dynamic.Resource` are not.
 *
 * Shared by test/unit/readme.test.ts (each command is known and run somewhere, or listed as not run
 * here) and test/e2e/readme.test.ts (the `pulumi …` block commands, run for real against the
 * emulator in this order, and the inline `pulumi …` commands it lists).
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

const COMMAND = /^(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:pulumi|npm|npx|node|bash|git|jq|go|curl)\s+\S/;

/** A command word (after optional `NAME=value ` prefixes) followed by at least one argument. */
export function isCommand(text: string): boolean {
  return COMMAND.test(text);
}

const FENCED = /^ *```(\w*)\n([\s\S]*?)^ *```$/gm;
const SHELL_BLOCK = new Set(["sh", "bash", "shell"]);
const PLAIN_BLOCK = new Set(["", "text", "console"]);

export function readmeCommands(root: string): string[] {
  const commands: string[] = [];
  for (const page of documentationPages(root)) {
    const text = readFileSync(join(root, page), "utf8");
    for (const [, label = "", body = ""] of text.matchAll(FENCED)) {
      if (!SHELL_BLOCK.has(label) && !PLAIN_BLOCK.has(label)) continue;
      for (const raw of body.split("\n")) {
        const line = raw.replace(/\s+#.*$/, "").trim();
        if (line === "" || line.startsWith("#")) continue;
        if (SHELL_BLOCK.has(label) || isCommand(line)) commands.push(line);
      }
    }
  }
  return commands;
}

export function inlineCommands(root: string): string[] {
  const commands = new Set<string>();
  for (const page of documentationPages(root)) {
    const prose = readFileSync(join(root, page), "utf8").replace(FENCED, "");
    for (const [, span = ""] of prose.matchAll(/`([^`]+)`/g)) {
      const command = span.replace(/\s+/g, " ").trim();
      if (isCommand(command)) commands.add(command);
    }
  }
  return [...commands];
}

/**
 * The inline `pulumi …` commands test/e2e/readme.test.ts runs after the block commands, in this
 * order, on the same stack, with the placeholders filled (`<id>`: the user id for the config, the
 * key id for the import; `<urn>`: the `backend` key's URN; `<name>`: a new resource name).
 */
export const INLINE_PULUMI_COMMANDS = [
  "pulumi config set cometapi:userId <id>",
  "pulumi preview --diff",
  "pulumi up --parallel 100",
  "pulumi up --replace <urn>",
  "pulumi refresh --run-program",
  "pulumi state delete <urn>",
  "pulumi import cometapi:index:ApiKey <name> <id>",
  "pulumi config set cometapi:checkAccount false",
  "pulumi destroy --run-program",
];
