/**
 * The documentation cannot rot: every command README.md and docs/*.md show (their ```sh blocks, the
 * command lines of their plain blocks, and the commands written inline in the prose; see
 * readmeCommands.ts) must be one this table knows, and the table says which test or CI step runs it;
 * that file must exist and contain the marker proving it runs that command. `npm run X` commands must
 * name a real package.json script. The `pulumi …` block commands are run verbatim (placeholders
 * filled) by test/e2e/readme.test.ts, in document order, and so are the inline `pulumi …` commands
 * of INLINE_PULUMI_COMMANDS; an inline `pulumi …` mention that is the start of one of those (`pulumi
 * up`, `pulumi config set`) is that command. A command that cannot run here is in NOT_RUN_HERE with
 * the reason, and the docs say "not run by the tests" in the section that shows it.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { documentationPages, INLINE_PULUMI_COMMANDS, inlineCommands, readmeCommands } from "./readmeCommands";

const root = resolve(__dirname, "..", "..");

interface RunBy {
  /** The test file or CI script that runs the command. */
  file: string;
  /** Text in that file that shows it runs this command. */
  marker: string;
}

const KNOWN: Record<string, RunBy> = {
  'curl -X DELETE -H "Authorization: $COMETAPI_ACCESS_TOKEN" -H "New-Api-User: $COMETAPI_USER_ID" "$COMETAPI_BASE_URL/api/token/<id>"':
    { file: "test/integration/docs/cleanupCommand.test.ts", marker: 'exec("bash", ["-c", command]' },
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
  // Written inline in the prose.
  "npm run build": { file: "scripts/run.sh", marker: "npm run --silent build" },
  "npm run check": { file: "scripts/run.sh", marker: "npm run --silent check" },
  "npm run schema": {
    file: "test/e2e/installedPackage.test.ts",
    marker: 'run("npm", ["run", "schema"], copy',
  },
  "go build": { file: "test/e2e/generatedSdks.test.ts", marker: 'run("go", ["build", "./..."]' },
  // The demo's stack is `demo`; the test gives it its own name and runs the command the demo prints.
  "pulumi preview --stack demo": {
    file: "test/e2e/demo.test.ts",
    marker: 'execFile)("pulumi", ["preview", "--stack", stackName]',
  },
  // docs/native-plugin.md, "Moving from `CometApiKey` to the plugin": the whole move, in a TypeScript project.
  "cd plugin-sdks/nodejs && npm install && npm run build && cp package.json bin/ && npm pack ./bin": {
    file: "test/e2e/moveToPlugin.test.ts",
    marker: "await run(sdkBuild, clone)",
  },
  "npm install /path/to/pulumi-cometapi/plugin-sdks/nodejs/pulumi-cometapi-cometapi-0.1.0.tgz": {
    file: "test/e2e/moveToPlugin.test.ts",
    marker: 'await run(sdkInstall.replace("/path/to/pulumi-cometapi", clone))',
  },
  "pulumi import cometapi:index:ApiKey <name> <id> --generate-code=false": {
    file: "test/e2e/moveToPlugin.test.ts",
    marker: "expect(await run(filled)).toMatch(/= 1 imported/)",
  },
  "pulumi refresh --import-pending-creates <urn> --import-pending-creates <id>": {
    file: "test/e2e/interruptedRuns.test.ts",
    marker: '"--import-pending-creates",',
  },
};

/** `pulumi …` commands are run by the e2e README test, whatever they are. */
const PULUMI_RUNNER: RunBy = { file: "test/e2e/readme.test.ts", marker: "readmeCommands(" };

/** The inline `pulumi …` commands of INLINE_PULUMI_COMMANDS are run by the e2e README test too. */
const INLINE_PULUMI_RUNNER: RunBy = { file: "test/e2e/readme.test.ts", marker: "of INLINE_PULUMI_COMMANDS)" };

/** What the docs say in the section of a command the tests do not run. */
const NOT_RUN_NOTE = "not run by the tests";

/**
 * Commands the docs show that the tests do not run, with the reason; the docs say NOT_RUN_NOTE in
 * the section (the text between two headings) of every place that shows one. A real account's
 * commands are not here: they run with a fake token against the emulator (see KNOWN).
 */
const NOT_RUN_HERE: Record<string, string> = {
  "npm install pulumi-cometapi @pulumi/pulumi": "the package is not on the npm registry yet",
  "npm run bench": "all sizes, 10, 100 and 500 keys: about 40 minutes; run by hand for docs/performance.md",
  "npm run bench -- --sizes 10,100":
    "several minutes (the update of 100 keys alone waits out a 180 s rate-limit window)",
  "npm run bench -- --sizes 500 --parallel 100 --phases up,refresh,destroy": "about 16 to 20 minutes",
  "npm run bench -- --sizes 100 --phases up,update,destroy": "about 4 minutes (a 180 s rate-limit window)",
  "npm run bench -- --sizes 200 --no-rate-limits": "about 2 minutes with its two no-op baselines",
  "bash scripts/audit.sh":
    "needs the registry's bulk advisory endpoint, which refuses this build machine (405)",
  "npm audit --omit=dev --audit-level=high":
    "needs the registry's bulk advisory endpoint (see bash scripts/audit.sh)",
  "bash scripts/sdkgen.sh":
    "rewrites plugin-sdks/ in the working tree; test/e2e/generatedSdks.test.ts runs the same generation as scripts/sdkgen.sh --check",
  "pulumi package gen-sdk":
    "named as what the SDKs are not generated with: this CLI lacks the language plugins it needs",
  "npm run build && npx vitest run --project unit":
    "a part of npm test, which runs the unit, integration and e2e projects whole (scripts/run.sh)",
  "npx vitest run --project integration test/integration/provider": "a part of npm test (scripts/run.sh)",
  "npx vitest run --project e2e test/e2e/cometApiKey.test.ts": "a part of npm test (scripts/run.sh)",
};

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

  const inline = inlineCommands(root);
  const blockPulumi = commands.filter((c) => c.startsWith("pulumi "));

  function expectRun(command: string, runBy: RunBy | undefined): void {
    if (NOT_RUN_HERE[command] !== undefined) return;
    expect(runBy, `add "${command}" to KNOWN with the test that runs it, or to NOT_RUN_HERE`).toBeDefined();
    const file = readFileSync(join(root, (runBy as RunBy).file), "utf8");
    expect(file).toContain((runBy as RunBy).marker);
    const npm = /(?:^|\s)npm (?:run (\S+)|(test))(?:\s|$)/.exec(command);
    if (npm) expect(scripts[npm[1] ?? npm[2] ?? ""], `package.json script for ${command}`).toBeDefined();
  }

  it.each(commands)("%s is run by a test or by CI, or listed as not run here", (command) => {
    expectRun(command, command.startsWith("pulumi ") ? PULUMI_RUNNER : KNOWN[command]);
  });

  it.each(inline)("inline `%s` is run by a test or by CI, or listed as not run here", (command) => {
    const mentionOf = (run: string) => run === command || run.startsWith(`${command} `);
    const runBy = !command.startsWith("pulumi ")
      ? undefined
      : blockPulumi.some(mentionOf)
        ? PULUMI_RUNNER
        : INLINE_PULUMI_COMMANDS.some(mentionOf)
          ? INLINE_PULUMI_RUNNER
          : undefined;
    expectRun(command, runBy ?? KNOWN[command]);
  });

  it("runs only inline `pulumi …` commands the docs write", () => {
    for (const command of INLINE_PULUMI_COMMANDS) expect(inline).toContain(command);
  });

  it.each(Object.keys(NOT_RUN_HERE))(
    "the docs say `%s` is not run by the tests where they show it",
    (command) => {
      let shown = 0;
      for (const page of documentationPages(root)) {
        const text = readFileSync(join(root, page), "utf8");
        const sections = text.split(/^(?=#{1,6} )/m);
        for (const section of sections) {
          const inSpan = section.replace(/\s+/g, " ").includes(`\`${command}\``);
          const onLine = section.split("\n").some((line) => line.replace(/\s+#.*$/, "").trim() === command);
          if (!inSpan && !onLine) continue;
          shown++;
          const heading = section.split("\n", 1)[0];
          const marked = section.replace(/\s+/g, " ").includes(NOT_RUN_NOTE);
          expect(marked, `${page}, section "${heading}": say "${NOT_RUN_NOTE}" for ${command}`).toBe(true);
        }
      }
      expect(shown, command).toBeGreaterThan(0);
    },
  );

  it("knows no command the docs dropped (keep the table honest)", () => {
    for (const command of [...Object.keys(KNOWN), ...Object.keys(NOT_RUN_HERE)]) {
      expect([...commands, ...inline]).toContain(command);
    }
  });
});
