/**
 * Who the provider speaks for, through the real engine, on the newest server profile (upstream
 * 2026-08, which never checks `New-Api-User`), through both front doors (the TypeScript
 * `CometApiKey` and Pulumi YAML through the native plugin):
 * - `pulumi preview` fails on a configuration mistake (no token, a base URL that is not allowed,
 *   a token the service rejects, a user id that is not the token's owner) with the message `up`
 *   would give, asking the service at most once;
 * - a token switch with the old user id kept ends `pulumi refresh --run-program` non-zero with
 *   an error naming both users, and drops nothing (a plain `pulumi refresh` uses the
 *   configuration recorded at the last `up`, and changes nothing either).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import type * as sdk from "../../sdk/index";
import { createInlineStack, type EngineStack, emulatorConnection, repoRoot } from "../support/engine";
import { createArchivePluginStack } from "../support/pluginArchive";

const { CometApiKey } = createRequire(join(repoRoot(), "package.json"))("./dist/sdk/index.js") as typeof sdk;

const YAML_PROGRAM = `name: cometapi-identity-yaml
runtime: yaml
resources:
  first:
    type: cometapi:index:ApiKey
    properties:
      quota: 1000
  second:
    type: cometapi:index:ApiKey
    properties:
      unlimitedQuota: true
  kept:
    type: cometapi:index:ApiKey
    properties:
      quota: 5
    options:
      protect: true
`;

type User = { userId: number; accessToken: string };

/** The configuration mistakes preview must catch, and what its error must say. */
function mistakes(
  emu: RunningEmulator,
  owner: User,
  other: User,
): { what: string; config: Record<string, string>; says: RegExp }[] {
  return [
    { what: "no access token", config: { "cometapi:accessToken": "" }, says: /No CometAPI access token/ },
    {
      what: "a base URL that is not allowed",
      config: { "cometapi:baseUrl": emu.url.replace("http://", "htps://") },
      says: /cometapi:baseUrl must use https:\/\/ \(got htps:\/\/\)/,
    },
    {
      what: "a token the service rejects",
      config: { "cometapi:accessToken": "not-a-token" },
      says: /401 Unauthorized \(Unauthorized, invalid access token\)/,
    },
    {
      what: "a user id that is not the token's owner",
      config: { "cometapi:accessToken": other.accessToken },
      says: new RegExp(
        `cometapi:userId \\(COMETAPI_USER_ID\\) is ${owner.userId}, but the access token belongs to user ${other.userId}`,
      ),
    },
  ];
}

/** Sets `config` (secret for the token), runs `step`, and restores the good configuration. */
async function withConfig(
  engine: EngineStack,
  good: Record<string, { value: string; secret?: boolean }>,
  config: Record<string, string>,
  step: () => Promise<unknown>,
): Promise<unknown> {
  for (const [key, value] of Object.entries(config)) {
    await engine.stack.setConfig(key, { value, secret: key === "cometapi:accessToken" });
  }
  try {
    return await step().then(
      () => undefined,
      (error: unknown) => error,
    );
  } finally {
    for (const key of Object.keys(config)) await engine.stack.setConfig(key, good[key] as { value: string });
  }
}

async function selfRequests(emu: RunningEmulator): Promise<Record<string, number>> {
  const counts = await emu.control.requestCounts();
  return Object.fromEntries(
    Object.entries(counts)
      .filter(([route]) => route.includes(" /api/"))
      .map(([route, c]) => [route, c.total]),
  );
}

describe.each(["typescript", "yaml"] as const)("through the %s front door", (door) => {
  let emu: RunningEmulator;
  let engine: EngineStack;
  let workDir: string | undefined;
  let good: Record<string, { value: string; secret?: boolean }>;
  let owner: User;
  let other: User;

  beforeAll(async () => {
    emu = await startEmulator({ users: 2 }); // the default profile: upstream-2026-08
    [owner, other] = emu.users as [User, User];
    const connection = emulatorConnection(emu);
    good = connection.config;
    if (door === "typescript") {
      engine = await createInlineStack(
        "cometapi-identity",
        async () => {
          const first = new CometApiKey("first", { quota: 1_000 });
          const second = new CometApiKey("second", { unlimitedQuota: true });
          return { ids: [first.keyId, second.keyId] };
        },
        connection,
      );
    } else {
      workDir = mkdtempSync(join(tmpdir(), "cometapi-e2e-identity-"));
      writeFileSync(join(workDir, "Pulumi.yaml"), YAML_PROGRAM);
      engine = await createArchivePluginStack(workDir, connection);
    }
  });

  afterAll(async () => {
    if (engine) {
      // An up with the good configuration records it again (a refresh --run-program recorded the
      // switched token) and, for YAML, unprotects the protected key; then destroy.
      if (workDir)
        writeFileSync(join(workDir, "Pulumi.yaml"), YAML_PROGRAM.replace("protect: true", "protect: false"));
      await engine.stack.up().catch(() => undefined);
      await engine.cleanup();
    }
    await emu?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("preview fails on each configuration mistake with a clear message, asking the service at most once", async () => {
    for (const mistake of mistakes(emu, owner, other)) {
      await emu.control.resetCounts();
      const error = await withConfig(engine, good, mistake.config, () => engine.stack.preview());
      expect(error, mistake.what).toBeInstanceOf(Error);
      expect(String((error as Error).message), mistake.what).toMatch(mistake.says);
      const requests = await selfRequests(emu);
      expect(
        Object.keys(requests).every((route) => route === "GET /api/user/self"),
        mistake.what,
      ).toBe(true);
      expect(requests["GET /api/user/self"] ?? 0, mistake.what).toBeLessThanOrEqual(1);
    }
    expect(await emu.control.keys()).toEqual([]);
    // The good configuration previews, with one question to the service for every key.
    await emu.control.resetCounts();
    await engine.stack.preview();
    expect(await selfRequests(emu)).toEqual({ "GET /api/user/self": 1 });
  });

  it("a token switch with the old user id kept: refresh --run-program fails naming both users, and drops nothing", async () => {
    const up = await engine.stack.up();
    expect(up.summary.result).toBe("succeeded");
    const created = (await emu.control.keys(owner.userId)).map((k) => k.id).sort();
    const inState = async () =>
      ((await engine.stack.exportStack()).deployment.resources as { type: string; id?: string }[])
        .filter((r) => r.type.includes("CometApiKey") || r.type === "cometapi:index:ApiKey")
        .map((r) => Number(r.id))
        .sort();
    expect(await inState()).toEqual(created);
    // Without --run-program, refresh uses the configuration recorded at the last `up` (the
    // old, matching token): it succeeds. With it, the new token is used: it must fail.
    for (const runProgram of [false, true]) {
      const error = await withConfig(engine, good, { "cometapi:accessToken": other.accessToken }, () =>
        engine.stack.refresh({ runProgram }),
      );
      if (runProgram) {
        expect(error, "refresh --run-program").toBeInstanceOf(Error);
        expect(String((error as Error).message)).toContain(
          `cometapi:userId (COMETAPI_USER_ID) is ${owner.userId}, but the access token belongs to user ${other.userId}`,
        );
      } else {
        expect(error, "refresh with the recorded configuration").toBeUndefined();
      }
      expect(await inState()).toEqual(created);
      expect((await emu.control.keys(owner.userId)).map((k) => k.id).sort()).toEqual(created);
    }
  });
});
