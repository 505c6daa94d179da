/**
 * The layers of docs/architecture.md, enforced: every import of every product file (not tests)
 * either stays in its layer or runs down the map. Inside `provider/` the order is shared and
 * errors, then transport, model, service, account, key, host, and `provider/index.ts` on top; the
 * folders around it import only what their row of the table allows.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..", "..");

/** Rank of each provider layer: a file may import its own layer or a lower rank. */
const PROVIDER_LAYERS: Record<string, number> = {
  shared: 0,
  errors: 0,
  transport: 1,
  model: 2,
  service: 3,
  account: 4,
  key: 5,
  host: 6,
  "index.ts": 7,
};

/** What each top-level folder may import: other repository files by prefix, and packages. */
const FOLDERS: Record<string, { files: RegExp; packages: RegExp }> = {
  provider: { files: /^provider\//, packages: /^(node:|undici$|zod$)/ },
  sdk: {
    files: /^(sdk\/|provider\/index\.ts$|provider\/shared\/)/,
    packages: /^(node:|@pulumi\/pulumi(\/|$))/,
  },
  plugin: {
    files: /^(plugin\/|provider\/)/,
    packages: /^(node:|@grpc\/grpc-js$|google-protobuf\/|@pulumi\/pulumi\/proto\/)/,
  },
  policy: { files: /^(policy\/|provider\/shared\/)/, packages: /^(node:|@pulumi\/policy$|@pulumi\/pulumi$)/ },
  emulator: { files: /^emulator\//, packages: /^node:/ },
};

function productFiles(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir))) {
      const path = join(dir, entry);
      if (statSync(join(ROOT, path)).isDirectory()) walk(path);
      else if (path.endsWith(".ts") && !path.endsWith(".d.ts")) out.push(path);
    }
  };
  walk(folder);
  return out;
}

/** The module specifiers a file imports, statically or at run time. */
function importsOf(file: string): string[] {
  const source = readFileSync(join(ROOT, file), "utf8");
  const specifiers = [
    ...source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)"/gms),
    ...source.matchAll(/^\s*import\s*"([^"]+)"/gm),
    ...source.matchAll(/\b(?:require|import)\(\s*"([^"]+)"\s*\)/g),
  ].map((m) => m[1] as string);
  return [...new Set(specifiers)];
}

/** A relative specifier as a repository path (`provider/key/diff.ts`), or the package name. */
function target(file: string, specifier: string): { file?: string; pkg?: string } {
  if (!specifier.startsWith(".")) return { pkg: specifier };
  const base = normalize(join(dirname(file), specifier)).replace(/\.js$/, "");
  for (const candidate of [`${base}.ts`, join(base, "index.ts")]) {
    try {
      if (statSync(join(ROOT, candidate)).isFile()) return { file: candidate };
    } catch {
      // not this one
    }
  }
  return { file: `${base}.ts` };
}

/** The layer folder of a provider file (`key` for `provider/key/steps/create.ts`), or `index.ts`. */
function layerFolder(file: string): string {
  return file.split("/")[1] ?? "";
}

function providerLayer(file: string): number {
  const part = layerFolder(file);
  const rank = PROVIDER_LAYERS[part];
  if (rank === undefined) throw new Error(`${file} is in no layer of provider/ (add its folder to the map)`);
  return rank;
}

const violations: string[] = [];
for (const [folder, allowed] of Object.entries(FOLDERS)) {
  for (const file of productFiles(folder)) {
    for (const specifier of importsOf(file)) {
      const { file: to, pkg } = target(file, specifier);
      if (pkg !== undefined) {
        if (!allowed.packages.test(pkg)) violations.push(`${file} imports the package ${pkg}`);
        continue;
      }
      if (to === undefined || !allowed.files.test(to)) {
        violations.push(`${file} imports ${to}`);
        continue;
      }
      if (folder === "provider") {
        // A layer is its folder with its subfolders (`key/steps/` is the key layer).
        const sameLayer = layerFolder(file) === layerFolder(to);
        if (!sameLayer && providerLayer(to) > providerLayer(file)) {
          violations.push(`${file} imports ${to}, a higher layer`);
        } else if (!sameLayer && providerLayer(to) === providerLayer(file) && providerLayer(file) !== 0) {
          violations.push(`${file} imports ${to}, across its layer`);
        }
      }
    }
  }
}

describe("layers", () => {
  it("finds the product files and their imports", () => {
    expect(productFiles("provider").length).toBeGreaterThan(30);
    expect(importsOf("provider/index.ts")).toContain("./key/lifecycle.js");
  });

  it("every provider file is in a layer folder (or is the public index)", () => {
    for (const file of productFiles("provider")) expect(() => providerLayer(file), file).not.toThrow();
  });

  it("no import runs up the map or across it", () => {
    expect(violations).toEqual([]);
  });

  it("the check catches an import that runs up", () => {
    expect(providerLayer("provider/transport/http.ts")).toBeLessThan(providerLayer("provider/key/diff.ts"));
    expect(providerLayer("provider/transport/http.ts")).toBeLessThan(
      providerLayer("provider/key/steps/create.ts"),
    );
    expect(FOLDERS.policy?.files.test("provider/key/inputs.ts")).toBe(false);
    expect(FOLDERS.sdk?.files.test("provider/service/client.ts")).toBe(false);
  });
});
