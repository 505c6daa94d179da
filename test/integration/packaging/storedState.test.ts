/**
 * The contract with every existing stack's state. A dynamic provider is stored in the state of
 * each key as JavaScript text, and refresh and destroy run that stored text, not the program's
 * code. What the stored loader needs must therefore stay: the module path
 * `pulumi-cometapi/provider`, its export `cometApiKeyProvider` with the seven lifecycle methods,
 * and a text small enough to be stored twice per key (at most 3 KB). Changing any of these breaks
 * `pulumi refresh` and `pulumi destroy` of stacks made by earlier versions; this file fails first.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { serializeBuiltProviderLoader } from "../../support/dynamicProviderServer";
import { repoRoot } from "../../support/engine";

const root = repoRoot();
const STORED_PROVIDER_MAX_BYTES = 3 * 1024;
const LIFECYCLE = ["configure", "check", "diff", "create", "read", "update", "delete"] as const;

type Provider = Record<(typeof LIFECYCLE)[number], (...args: unknown[]) => Promise<unknown>>;

/** Evaluates a stored provider text the way the dynamic-provider plugin does (sloppy mode: it uses `with`). */
function evaluateStored(text: string): Provider {
  const exports: { handler?: () => Provider } = {};
  new Function("exports", "require", text)(exports, createRequire(join(root, "package.json")));
  if (exports.handler === undefined) throw new Error("the stored text exports no handler");
  return exports.handler();
}

describe("stored provider contract", () => {
  it("today's stored loader requires pulumi-cometapi/provider's cometApiKeyProvider and nothing deeper", async () => {
    const text = await serializeBuiltProviderLoader();
    expect(text).toContain('createRequire(base)("pulumi-cometapi/provider").cometApiKeyProvider');
    const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(["node:module"]));
  });

  it("today's stored loader is at most 3 KB", async () => {
    expect(Buffer.byteLength(await serializeBuiltProviderLoader())).toBeLessThanOrEqual(
      STORED_PROVIDER_MAX_BYTES,
    );
  });

  it("the package still exports what stored loaders require", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      name: string;
      exports: Record<string, { default?: string }>;
    };
    expect(pkg.name).toBe("pulumi-cometapi");
    expect(pkg.exports["./provider"]?.default).toBe("./dist/provider/index.js");
    const provider = (
      createRequire(join(root, "package.json"))("pulumi-cometapi/provider") as {
        cometApiKeyProvider: Provider;
      }
    ).cometApiKeyProvider;
    for (const method of LIFECYCLE) expect(typeof provider[method], method).toBe("function");
  });

  it("a loader stored by 0.1.0 (installed elsewhere, since moved) runs today's provider", async () => {
    const stored = readFileSync(join(__dirname, "fixtures", "stored-loader-0.1.0.txt"), "utf8");
    expect(stored).toContain("/nonexistent/old-install/");
    const provider = evaluateStored(stored);
    // check is pure: it reaches the current provider's validation without any HTTP.
    const checked = (await provider.check({}, { name: "stored", quota: 1000 })) as {
      inputs: Record<string, unknown>;
      failures: unknown[];
    };
    expect(checked.failures).toEqual([]);
    expect(checked.inputs).toMatchObject({ name: "stored", quota: 1000 });
    const refused = (await provider.check({}, { name: "stored", quota: -1 })) as {
      failures: { property: string }[];
    };
    expect(refused.failures.map((f) => f.property)).toContain("quota");
  });
});
