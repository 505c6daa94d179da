/**
 * The documentation cannot rot: every command README.md and docs/*.md show (their ```sh blocks) must be one this table knows,
 * and the table says which test or CI step runs it; that file must exist and contain the marker
 * proving it runs that command. `npm run X` commands must name a real package.json script. The
 * README's `pulumi …` commands are run verbatim (placeholders filled) by test/e2e/readme.test.ts.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { readmeCommands } from "./readmeCommands";

const root = resolve(__dirname, "..", "..");

interface RunBy {
  /** The test file or CI script that runs the command. */
  file: string;
  /** Text in that file that shows it runs this command. */
  marker: string;
}

const KNOWN: Record<string, RunBy> = {
  "npm run demo": { file: "test/e2e/demo.test.ts", marker: 'join(repoRoot(), "dist", "demo", "demo.js")' },
  "npm test": { file: ".ci/run", marker: "npm test" },
  "npm run demo -- --keep": { file: "test/e2e/demo.test.ts", marker: 'startDemo(["--keep"]' },
  "COMETAPI_ACCESS_TOKEN=… npm run demo -- --real": {
    file: "test/e2e/demo.test.ts",
    marker: 'runDemo(["--real"], env)',
  },
  "COMETAPI_ACCESS_TOKEN=… npm run demo -- --real --yes": {
    file: "test/e2e/demo.test.ts",
    marker: 'runDemo(["--real", "--yes"], env)',
  },
  "npm ci": { file: "test/e2e/installedPackage.test.ts", marker: 'run("npm", ["ci"], copy' },
  "npm pack": { file: "test/e2e/installedPackage.test.ts", marker: 'run("npm", ["pack"' },
  "npm run plugin:archive": { file: "test/e2e/readme.test.ts", marker: "readmeCommands(" },
  "npm install ./pulumi-cometapi-0.1.0.tgz @pulumi/pulumi": {
    file: "test/e2e/installedPackage.test.ts",
    marker: '["install", "--no-audit", "--no-fund", packed.tarball, spec',
  },
  "npx cometapi-emulator": {
    file: "test/e2e/installedPackage.test.ts",
    marker: 'join(dir, "node_modules", ".bin", "cometapi-emulator")',
  },
  "npm run emulator -- --port 8787": { file: "test/integration/emulator/cli.test.ts", marker: '"--port"' },
  "npm run emulator -- --groups=default,vip=2,auto --models=gpt-4o,gpt-4o-mini,o1@vip": {
    file: "test/integration/emulator/cli.test.ts",
    marker: '"--groups=default,vip=2,auto", "--models=gpt-4o,gpt-4o-mini,o1@vip"',
  },
  "npm run emulator -- --account-routes=false": {
    file: "test/integration/emulator/cli.test.ts",
    marker: '"--account-routes=false"',
  },
  "COMETAPI_ACCESS_TOKEN=… npm run test:live": {
    file: "test/e2e/readme.test.ts",
    marker: '"--project", "live"',
  },
};

/** `pulumi …` commands are run by the e2e README test, whatever they are. */
const PULUMI_RUNNER: RunBy = { file: "test/e2e/readme.test.ts", marker: "readmeCommands(" };

/**
 * Commands the docs show that cannot run here, each marked so in the docs: none today (a real
 * account's commands run with a fake token against the emulator, see KNOWN). Add a command here
 * only with the reason, and say in the docs that it is not run by the tests.
 */
const NOT_RUN_HERE: Record<string, string> = {};

const scripts = (
  JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;

describe("README commands", () => {
  const commands = readmeCommands(root);

  it("starts with the user: install, a minimal program, configure, run, then the demo and the tests", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const firstScreen = readme.slice(0, readme.indexOf("\n## Configuration in detail"));
    const headings = [...firstScreen.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual([
      "Install",
      "A minimal program",
      "Configure",
      "Run",
      "The demo and the tests, on a fresh clone",
    ]);
    expect(firstScreen).toMatch(/^npm run demo\b/m);
    expect(firstScreen).toMatch(/^npm test\b/m);
  });

  it("the outputs the README reads are the ones its minimal program exports", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const program = /## A minimal program[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    const exported = [...program.matchAll(/^export const (\w+)/gm)].map((m) => m[1]);
    const read = commands.flatMap((c) => /^pulumi stack output (\w+)/.exec(c)?.[1] ?? []);
    expect(read.length).toBeGreaterThan(0);
    for (const name of read) expect(exported, `README reads ${name}`).toContain(name);
  });

  it.each(commands)("%s is run by a test or by CI", (command) => {
    if (NOT_RUN_HERE[command] !== undefined) return;
    const runBy = command.startsWith("pulumi ") ? PULUMI_RUNNER : KNOWN[command];
    expect(runBy, `add "${command}" to KNOWN with the test that runs it, or to NOT_RUN_HERE`).toBeDefined();
    const file = readFileSync(join(root, (runBy as RunBy).file), "utf8");
    expect(file).toContain((runBy as RunBy).marker);
    const npm = /(?:^|\s)npm (?:run (\S+)|(test))(?:\s|$)/.exec(command);
    if (npm) expect(scripts[npm[1] ?? npm[2] ?? ""], `package.json script for ${command}`).toBeDefined();
  });

  it("knows no command the README dropped (keep the table honest)", () => {
    for (const command of Object.keys(KNOWN)) expect(commands).toContain(command);
  });
});
