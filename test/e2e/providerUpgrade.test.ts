/**
 * The serialized provider is a thin loader: refresh and destroy, which run the copy stored in
 * state, must use the package installed NOW, not the one that created the keys. A program dir
 * gets its own installed copy of the package; after `up`, the installed implementation is
 * replaced by one that records its calls, and refresh and destroy must go through it.
 */
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import { createLocalProgramStack, type EngineStack, repoRoot } from "../support/engine";

let emu: RunningEmulator;
let engine: EngineStack;
let installed: string;
let marker: string;
let programDir: string | undefined;

/** A program directory with pulumi-cometapi installed as a copy (not the repo itself). */
function installCopy(workDir: string): string {
  const root = repoRoot();
  const modules = join(workDir, "node_modules");
  mkdirSync(modules, { recursive: true });
  for (const entry of readdirSync(join(root, "node_modules"))) {
    if (entry === "pulumi-cometapi" || entry.startsWith(".")) continue;
    symlinkSync(join(root, "node_modules", entry), join(modules, entry));
  }
  const pkg = join(modules, "pulumi-cometapi");
  mkdirSync(join(pkg, "dist"), { recursive: true });
  cpSync(join(root, "package.json"), join(pkg, "package.json"));
  for (const dir of ["sdk", "provider"])
    cpSync(join(root, "dist", dir), join(pkg, "dist", dir), { recursive: true });
  return pkg;
}

beforeAll(async () => {
  emu = await startEmulator();
  // A program on disk (run by the language host, so the provider process runs in its folder)
  // with its own installed copy of the package.
  const workDir = mkdtempSync(join(tmpdir(), "cometapi-upgrade-"));
  installed = installCopy(workDir);
  writeFileSync(join(workDir, "Pulumi.yaml"), "name: cometapi-upgrade\nruntime: nodejs\nmain: index.ts\n");
  writeFileSync(
    join(workDir, "index.ts"),
    'import { CometApiKey } from "pulumi-cometapi";\n' +
      'const key = new CometApiKey("upgraded", { quota: 1_000 });\n' +
      "export const keyId = key.keyId;\n",
  );
  marker = join(workDir, "calls.log");
  writeFileSync(marker, "");
  engine = await createLocalProgramStack(workDir, {
    envVars: {
      COMETAPI_ACCESS_TOKEN: emu.accessToken,
      COMETAPI_BASE_URL: emu.url,
      COMETAPI_USER_ID: String(emu.userId),
    },
  });
  programDir = workDir;
});

afterAll(async () => {
  await engine?.cleanup({ destroy: false });
  await emu?.close();
  if (programDir) rmSync(programDir, { recursive: true, force: true });
});

describe("a package upgrade after up", () => {
  it("changes what refresh and destroy run", async () => {
    const up = await engine.stack.up();
    const keyId = up.outputs.keyId?.value as number;
    expect((await emu.control.keys()).map((k) => k.id)).toEqual([keyId]);

    // "Upgrade" the installed package: same API, an implementation that records its calls.
    const providerDir = join(installed, "dist", "provider");
    renameSync(join(providerDir, "index.js"), join(providerDir, "index.previous.js"));
    writeFileSync(
      join(providerDir, "index.js"),
      `const previous = require("./index.previous.js");
const fs = require("node:fs");
const p = previous.cometApiKeyProvider;
const record = (line) => fs.appendFileSync(${JSON.stringify(marker)}, line + "\\n");
module.exports = {
  ...previous,
  cometApiKeyProvider: {
    ...p,
    read: async (id, props) => { record("read " + id); return p.read(id, props); },
    delete: async (id, props) => { record("delete " + id); return p.delete(id, props); },
  },
};
`,
    );

    const refresh = await engine.stack.refresh();
    expect(refresh.summary.result).toBe("succeeded");
    const destroy = await engine.stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    expect(readFileSync(marker, "utf8").split("\n").filter(Boolean)).toEqual([
      `read ${keyId}`,
      `delete ${keyId}`,
    ]);
    expect(await emu.control.keys()).toEqual([]);
  });
});
