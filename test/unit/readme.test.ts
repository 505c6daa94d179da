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
  "npm pack": { file: "test/e2e/installedPackage.test.ts", marker: 'run("npm", ["pack"' },
  "npm install ./pulumi-cometapi-0.1.0.tgz @pulumi/pulumi": {
    file: "test/e2e/installedPackage.test.ts",
    marker: '["install", "--no-audit", "--no-fund", packed.tarball, spec',
  },
  "npx cometapi-emulator": {
    file: "test/e2e/installedPackage.test.ts",
    marker: 'join(dir, "node_modules", ".bin", "cometapi-emulator")',
  },
  "npm run emulator -- --port 8787": { file: "test/integration/emulator/cli.test.ts", marker: '"--port"' },
  "COMETAPI_ACCESS_TOKEN=… npm run test:live": {
    file: "test/e2e/readme.test.ts",
    marker: '"--project", "live"',
  },
};

/** `pulumi …` commands are run by the e2e README test, whatever they are. */
const PULUMI_RUNNER: RunBy = { file: "test/e2e/readme.test.ts", marker: "readmeCommands(" };

const scripts = (
  JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;

describe("README commands", () => {
  const commands = readmeCommands(root);

  it("starts with the two commands everyone runs first", () => {
    expect(commands.slice(0, 2)).toEqual(["npm run demo", "npm test"]);
  });

  it.each(commands)("%s is run by a test or by CI", (command) => {
    const runBy = command.startsWith("pulumi ") ? PULUMI_RUNNER : KNOWN[command];
    expect(runBy, `add "${command}" to KNOWN with the test that runs it`).toBeDefined();
    const file = readFileSync(join(root, (runBy as RunBy).file), "utf8");
    expect(file).toContain((runBy as RunBy).marker);
    const npm = /(?:^|\s)npm (?:run (\S+)|(test))(?:\s|$)/.exec(command);
    if (npm) expect(scripts[npm[1] ?? npm[2] ?? ""], `package.json script for ${command}`).toBeDefined();
  });

  it("knows no command the README dropped (keep the table honest)", () => {
    for (const command of Object.keys(KNOWN)) expect(commands).toContain(command);
  });
});
