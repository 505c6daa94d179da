/**
 * The package as users install it. The working tree is copied as a clean clone would have it
 * (tracked and untracked-not-ignored files, no `dist/`, no `node_modules`), set up with `npm ci` and
 * packed there with `npm pack` (which must build), and the tarball is installed with `npm install` into a throw-away Pulumi project in the
 * system temp folder, outside this repository, next to `@pulumi/pulumi` at the newest version the
 * registry serves and at the lowest one we support (`peerDependencies`). The emulator is started
 * from the installed package's `cometapi-emulator` bin; the connection is set with
 * `pulumi config set` (the token with `--secret`); then `pulumi up`, usage, `pulumi refresh`, an
 * update and `pulumi destroy` run with the CLI, exactly as the README's Install section shows.
 *
 * Commands shown in the README's Install section and run here:
 * - `npm ci` then `npm pack` (in the copy of the repository, no `node_modules/.bin` on PATH)
 * - `npm install ./pulumi-cometapi-0.1.0.tgz @pulumi/pulumi` (in the program's folder)
 * - `npx cometapi-emulator` (the installed bin)
 * And from docs/: `npm run schema` (in the copy, it writes the committed schema.json and docs/reference.md).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localBackendEnv, repoRoot } from "../../engine/localEngine";
import { expectNoSecrets } from "../support/secretScan";

const exec = promisify(execFile);
const root = repoRoot();
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  version: string;
  peerDependencies: Record<string, string>;
};
/** Our lowest supported `@pulumi/pulumi`: the floor of the peer range, e.g. `^3.259.0` → 3.259.0. */
const LOWEST_PULUMI = /\d+\.\d+\.\d+/.exec(pkg.peerDependencies["@pulumi/pulumi"] ?? "")?.[0] ?? "";

/** This process's environment without our COMETAPI_* variables, vitest's own, or npm's script context. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith("COMETAPI_") && !k.startsWith("VITEST") && !k.startsWith("npm_"),
    ),
  );
}

/** PATH without any `node_modules/.bin` (npm and vitest put this repository's first). */
function withoutNodeModulesBins(path: string): string {
  return path
    .split(delimiter)
    .filter((dir) => !/node_modules[\\/]\.bin[\\/]?$/.test(dir))
    .join(delimiter);
}

async function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await exec(cmd, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${cmd} ${args.join(" ")} failed in ${cwd}: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`,
    );
  }
}

/** What a fresh clone's shell has: no COMETAPI_*, no vitest, no `node_modules/.bin` of ours on PATH. */
function cleanCopyEnv(): NodeJS.ProcessEnv {
  return { ...cleanEnv(), PATH: withoutNodeModulesBins(process.env.PATH ?? "") };
}

/** Packs a clean copy of the working tree; returns the tarball's path and npm's file list. */
async function packCleanCopy(dest: string): Promise<{ tarball: string; files: string[]; size: number }> {
  const copy = join(dest, "clone");
  const listed = await run(
    "git",
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    root,
    process.env,
  );
  for (const file of listed.split("\0").filter((f) => f !== "")) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    try {
      copyFileSync(join(root, file), join(copy, file));
    } catch (error) {
      // A tracked file deleted in the working tree: a clone of the committed tree would not have it either.
      if ((error as { code?: string }).code !== "ENOENT") throw error;
    }
  }
  // As the README's Install says, on a fresh clone: `npm ci` (the build tools), then `npm pack`.
  // No PATH entry of ours: `npm pack` alone would fail with "tsc: not found".
  const env = cleanCopyEnv();
  await run("npm", ["ci"], copy, env);
  const out = await run("npm", ["pack", "--json", "--pack-destination", dest], copy, env);
  const [packed] = JSON.parse(out.slice(out.indexOf("["))) as {
    filename: string;
    size: number;
    files: { path: string }[];
  }[];
  if (packed === undefined) throw new Error(`npm pack printed no result: ${out}`);
  return { tarball: join(dest, packed.filename), files: packed.files.map((f) => f.path), size: packed.size };
}

/** A Pulumi TypeScript program in its own folder, as `pulumi new typescript` would lay it out. */
function writeProgram(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify({ name: "keys-outside", private: true, main: "index.ts" }, null, 2)}\n`,
  );
  writeFileSync(
    join(dir, "Pulumi.yaml"),
    "name: keys-outside\nruntime: nodejs\ndescription: pulumi-cometapi installed from its tarball\n",
  );
  writeFileSync(
    join(dir, "tsconfig.json"),
    `${JSON.stringify({ compilerOptions: { strict: true, target: "es2022", module: "commonjs", moduleResolution: "node", esModuleInterop: true, skipLibCheck: true }, files: ["index.ts"] }, null, 2)}\n`,
  );
  writeFileSync(
    join(dir, "index.ts"),
    [
      'import * as pulumi from "@pulumi/pulumi";',
      'import { CometApiKey } from "pulumi-cometapi";',
      "",
      "const config = new pulumi.Config();",
      'const backend = new CometApiKey("backend", {',
      '  quota: config.requireNumber("quota"),',
      '  models: ["gpt-4o-mini"],',
      "});",
      "export const keyId = backend.keyId;",
      "export const maskedKey = backend.maskedKey;",
      "export const remainingQuota = backend.remainingQuota;",
      "export const apiKey = backend.key;",
      "",
    ].join("\n"),
  );
}

interface EmulatorInfo {
  url: string;
  accessToken: string;
  userId: number;
}

/** Starts the installed package's `cometapi-emulator` bin and reads its one JSON line. */
async function startInstalledEmulator(dir: string): Promise<{ info: EmulatorInfo; child: ChildProcess }> {
  const child = spawn(join(dir, "node_modules", ".bin", "cometapi-emulator"), ["--json"], {
    cwd: dir,
    env: cleanEnv(),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`cometapi-emulator exited with ${code} before printing`)));
  });
  return { info: JSON.parse(line) as EmulatorInfo, child };
}

/** One key as the service reports it, read with the management API (not through Pulumi). */
async function serverKey(
  emu: EmulatorInfo,
  id: number,
): Promise<{ remain_quota: number; used_quota: number; name: string } | undefined> {
  const res = await fetch(`${emu.url}/api/token/${id}`, {
    headers: { authorization: emu.accessToken, "new-api-user": String(emu.userId) },
  });
  const body = (await res.json()) as {
    success: boolean;
    data?: { remain_quota: number; used_quota: number; name: string };
  };
  return body.success ? body.data : undefined;
}

async function serverKeyCount(emu: EmulatorInfo): Promise<number> {
  const res = await fetch(`${emu.url}/api/token/?p=1&page_size=100`, {
    headers: { authorization: emu.accessToken, "new-api-user": String(emu.userId) },
  });
  return ((await res.json()) as { data: { total: number } }).data.total;
}

let scratch: string;
let packed: { tarball: string; files: string[]; size: number };

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "cometapi-installed-"));
  packed = await packCleanCopy(scratch);
  console.log(
    `[installed package] ${packed.tarball}: ${packed.files.length} files, ${packed.size} bytes packed`,
  );
});

afterAll(() => {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

describe("npm pack on a clean copy", () => {
  it("builds and ships the SDK, the provider, the emulator, the policies and their type declarations", () => {
    for (const file of [
      "package.json",
      "README.md",
      "dist/sdk/index.js",
      "dist/sdk/index.d.ts",
      "dist/sdk/providerLoader.js",
      "dist/provider/index.js",
      "dist/provider/index.d.ts",
      // The layers' folders, compiled and as sources (for source maps).
      "dist/provider/key/lifecycle.js",
      "provider/key/lifecycle.ts",
      "dist/emulator/index.js",
      "dist/emulator/index.d.ts",
      "dist/emulator/cli.js",
      "dist/policy/index.js",
      "dist/policy/index.d.ts",
    ]) {
      expect(packed.files, file).toContain(file);
    }
    expect(packed.files.filter((f) => f.startsWith("test/") || f.startsWith("dist/test/"))).toEqual([]);
  });

  it("`npm run schema` there writes the committed schema.json and docs/reference.md", async () => {
    const copy = join(scratch, "clone");
    const generated = ["schema.json", join("docs", "reference.md")];
    // Removed first, so only what the command writes can match.
    for (const file of generated) rmSync(join(copy, file));
    await run("npm", ["run", "schema"], copy, cleanCopyEnv());
    for (const file of generated) {
      expect(readFileSync(join(copy, file), "utf8"), file).toBe(readFileSync(join(root, file), "utf8"));
    }
  });

  it("is the tarball the README's Install section names", () => {
    expect(readFileSync(join(root, "README.md"), "utf8")).toContain(
      `npm install ./${basename(packed.tarball)} @pulumi/pulumi`,
    );
  });

  it("ships every file its source maps point at", async () => {
    const unpacked = join(scratch, "unpacked");
    mkdirSync(unpacked);
    await run("tar", ["-xzf", packed.tarball, "-C", unpacked], scratch, process.env);
    const maps = packed.files.filter((f) => f.endsWith(".js.map"));
    expect(maps.length).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(unpacked, "package", map), "utf8")) as {
        sources: string[];
      };
      for (const source of sources) {
        const target = join(dirname(map), source);
        if (!packed.files.includes(target)) missing.push(`${map} → ${target}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe.each([
  { label: "newest", spec: "@pulumi/pulumi@latest" },
  { label: "lowest supported", spec: `@pulumi/pulumi@${LOWEST_PULUMI}` },
])("installed from the tarball next to $label @pulumi/pulumi, outside the repository", ({ label, spec }) => {
  it("runs up, usage, refresh, an update and destroy with the Pulumi CLI", async () => {
    expect(LOWEST_PULUMI).toMatch(/^3\.\d+\.\d+$/);
    const project = join(scratch, `program-${label.replace(/\W+/g, "-")}`);
    writeProgram(project);
    const env = cleanEnv();
    await run(
      "npm",
      ["install", "--no-audit", "--no-fund", packed.tarball, spec, "typescript@~5.9", "@types/node@^24"],
      project,
      env,
    );
    const installed = JSON.parse(
      readFileSync(join(project, "node_modules/@pulumi/pulumi/package.json"), "utf8"),
    ) as {
      version: string;
    };
    console.log(`[installed package] ${label}: @pulumi/pulumi ${installed.version}`);
    if (label !== "newest") expect(installed.version).toBe(LOWEST_PULUMI);

    const { info: emu, child } = await startInstalledEmulator(project);
    const backend = {
      backendDir: join(project, ".state"),
      pulumiHome: join(project, ".pulumi-home"),
      passphrase: "outside-the-repo",
    };
    for (const dir of [backend.backendDir, backend.pulumiHome]) mkdirSync(dir);
    const pulumiEnv: NodeJS.ProcessEnv = { ...env, ...localBackendEnv(backend) };
    const pulumi = (...args: string[]) => run("pulumi", args, project, pulumiEnv);
    try {
      await pulumi("stack", "init", "dev");
      await pulumi("config", "set", "cometapi:baseUrl", emu.url);
      await pulumi("config", "set", "--secret", "cometapi:accessToken", emu.accessToken);
      await pulumi("config", "set", "cometapi:userId", String(emu.userId));
      await pulumi("config", "set", "quota", "1000000");

      expect(await pulumi("up", "--yes")).toMatch(/\+ 2 created/);
      const outputs = async () =>
        JSON.parse(await pulumi("stack", "output", "--json", "--show-secrets")) as {
          keyId: number;
          apiKey: string;
          maskedKey: string;
          remainingQuota: number;
        };
      const created = await outputs();
      expect(created.apiKey).toMatch(/^sk-[0-9A-Za-z]{48}$/);
      expect(created.maskedKey).toBe(`${created.apiKey.slice(0, 7)}**********${created.apiKey.slice(-4)}`);
      expect((await serverKey(emu, created.keyId))?.remain_quota).toBe(1_000_000);

      // Usage: a model call with the key the stack handed out.
      const chat = await fetch(`${emu.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${created.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
      });
      expect(chat.status).toBe(200);
      const used = await serverKey(emu, created.keyId);
      expect(used?.used_quota).toBeGreaterThan(0);

      await pulumi("refresh", "--yes");
      // Refresh updates the resource's state (stack outputs change only when the program runs).
      const state = JSON.parse(await pulumi("stack", "export")) as {
        deployment: { resources: { type: string; outputs?: { keyId?: number; remainingQuota?: number } }[] };
      };
      const recorded = state.deployment.resources.find((r) => r.type.endsWith(":CometApiKey"));
      expect(recorded?.outputs?.keyId).toBe(created.keyId);
      expect(recorded?.outputs?.remainingQuota).toBe(used?.remain_quota);
      // Usage is not drift.
      await pulumi("preview", "--expect-no-changes");

      await pulumi("config", "set", "quota", "2000000");
      expect(await pulumi("up", "--yes")).toMatch(/~ 1 updated/);
      const updated = await outputs();
      expect(updated.keyId).toBe(created.keyId);
      expect((await serverKey(emu, created.keyId))?.remain_quota).toBe(2_000_000);

      const secrets = { accessToken: emu.accessToken, keys: [created.apiKey] };
      expectNoSecrets("pulumi stack export", await pulumi("stack", "export"), secrets);
      expectNoSecrets("Pulumi.dev.yaml", readFileSync(join(project, "Pulumi.dev.yaml"), "utf8"), secrets);

      expect(await pulumi("destroy", "--yes")).toMatch(/- 2 deleted/);
      expect(await serverKey(emu, created.keyId)).toBeUndefined();
      expect(await serverKeyCount(emu)).toBe(0);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
