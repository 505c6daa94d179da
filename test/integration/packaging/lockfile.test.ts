/**
 * The committed lock is complete: `npm ci` (strict, as scripts/env.sh and .ci/run use it) installs
 * it only when it lists everything the registry of the day would resolve for package.json. When the
 * registry starts serving something the lock lacks (an optional platform binary, say), this test
 * fails in `npm test` with the entries npm would add, instead of the next fresh clone failing.
 * It asks the registry (the one network this project may reach); nothing is installed.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { repoRoot } from "../../support/engine";

const exec = promisify(execFile);

type Lock = { packages: Record<string, { version?: string }> };

it("package-lock.json lacks nothing that `npm install --package-lock-only` would add", {
  timeout: 180_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "cometapi-lock-"));
  try {
    for (const file of ["package.json", "package-lock.json"])
      copyFileSync(join(repoRoot(), file), join(dir, file));
    await exec("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], {
      cwd: dir,
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("npm_"))),
    });
    const read = (path: string) => (JSON.parse(readFileSync(path, "utf8")) as Lock).packages;
    const committed = read(join(repoRoot(), "package-lock.json"));
    const resolved = read(join(dir, "package-lock.json"));
    const added = Object.keys(resolved).filter((path) => !(path in committed));
    const changed = Object.keys(resolved).filter(
      (path) => path in committed && resolved[path]?.version !== committed[path]?.version,
    );
    expect({ added, changed }, "run `npm install` and commit package-lock.json").toEqual({
      added: [],
      changed: [],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
