import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI_SETTINGS, helpText, optionsFromCli } from "../../../emulator/cliSettings";
import { EmulatorControlClient } from "../../../emulator/index";
import { send } from "./helpers";

const root = resolve(__dirname, "../../..");
const dir = mkdtempSync(join(tmpdir(), "cometapi-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runCli(args: string[]): { child: ChildProcess; info: Promise<Record<string, string>> } {
  const child = spawn(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", "emulator/cli.ts", ...args],
    {
      cwd: root,
      env: { ...process.env, TS_NODE_PROJECT: join(root, "tsconfig.json") },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const info = new Promise<Record<string, string>>((resolveInfo, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("COMETAPI_EMULATOR_ADMIN_TOKEN=") && out.endsWith("\n")) {
        const map: Record<string, string> = {};
        for (const line of out.split("\n")) {
          const m = /^([A-Z_]+)=(.*)$/.exec(line);
          if (m) map[m[1] as string] = m[2] as string;
        }
        resolveInfo(map);
      }
    });
    child.on("exit", (code) => reject(new Error(`cli exited early with ${code}`)));
  });
  return { child, info };
}

describe("CLI", () => {
  it("parses flags, env fallbacks and switch flags", () => {
    const { options } = optionsFromCli(
      [
        "--port",
        "0",
        "--mask-keys=false",
        "--rate-limits=default",
        "--name-limit=chars",
        "--group-check",
        "--groups=a,b",
        "--server-profile=new-api-2026-03",
        "--root-sees-all-keys",
      ],
      { COMETAPI_EMULATOR_MAX_USER_TOKENS: "5", COMETAPI_EMULATOR_MASK_KEYS: "true" },
    );
    expect(options).toMatchObject({
      port: 0,
      maskKeys: false,
      nameLimit: "chars",
      groupCheck: true,
      groups: ["a", "b"],
      serverProfile: "new-api-2026-03",
      rootSeesAllKeys: true,
      maxUserTokens: 5,
      rateLimits: {
        windowSeconds: 180,
        maxRequests: 360,
        searchPerMinute: 10,
        revealWindowSeconds: 1200,
        revealMax: 20,
      },
    });
    expect(() => optionsFromCli(["--mask-keys=perhaps"], {})).toThrow();
    expect(() => optionsFromCli(["--nope=1"], {})).toThrow(/unknown flag/);
  });

  it("keeps every flag and environment variable name", () => {
    expect(CLI_SETTINGS.map((s) => `--${s.flag} ${s.env}`)).toEqual(
      [
        "port",
        "data",
        "users",
        "admin-token",
        "clock",
        "server-profile",
        "root-sees-all-keys",
        "require-user-header",
        "mask-keys",
        "name-limit",
        "full-update-applies-status",
        "update-keeps-expiry",
        "group-check",
        "groups",
        "models",
        "account-routes",
        "user-group",
        "user-quota",
        "status-flips",
        "max-user-tokens",
        "quota-per-unit",
        "rate-limits",
        "charge-per-request",
        "latency-ms",
      ].map((flag) => `--${flag} COMETAPI_EMULATOR_${flag.replace(/-/g, "_").toUpperCase()}`),
    );
  });

  it("names the flag or environment variable and the rule when a value is wrong", () => {
    expect(() => optionsFromCli(["--latency-ms=x"], {})).toThrow(
      '--latency-ms: expected a non-negative number, got "x"',
    );
    expect(() => optionsFromCli([], { COMETAPI_EMULATOR_PORT: "-1" })).toThrow(
      'COMETAPI_EMULATOR_PORT: expected a non-negative integer, got "-1"',
    );
    expect(() => optionsFromCli(["--status-flips=sometimes"], {})).toThrow(
      '--status-flips: expected "lazy" or "never", got "sometimes"',
    );
  });

  it("--help lists each flag with its environment variable and default", () => {
    expect(optionsFromCli(["--port=x", "--help"], {}).help).toBe(true);
    const help = helpText();
    expect(help).toContain("--data=FILE  (COMETAPI_EMULATOR_DATA; default: in memory)");
    expect(help).toContain("--mask-keys[=true|false]  (COMETAPI_EMULATOR_MASK_KEYS; default: true)");
    expect(help).toContain("--groups=A,B,…  (COMETAPI_EMULATOR_GROUPS; default: default,vip,auto)");
  });

  it("prints URL, token, user id and admin token; binds 127.0.0.1; SIGTERM flushes and exits 0", async () => {
    const file = join(dir, "cli.json");
    const { child, info } = runCli(["--port", "0", "--data", file, "--mask-keys=false"]);
    const got = await info;
    const url = got.COMETAPI_BASE_URL as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(got.COMETAPI_USER_ID).toBe("1");
    const headers = {
      authorization: got.COMETAPI_ACCESS_TOKEN as string,
      "new-api-user": "1",
      "content-type": "application/json",
    };
    const created = await send(`${url}/api/token/`, "POST", headers, JSON.stringify({ name: "from-cli" }));
    expect(created.json).toEqual({ success: true, message: "" });
    const control = new EmulatorControlClient(url, got.COMETAPI_EMULATOR_ADMIN_TOKEN as string);
    expect((await control.getSwitches()).maskKeys).toBe(false);
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    const snap = JSON.parse(readFileSync(file, "utf8")) as { tokens: { name: string }[] };
    expect(snap.tokens.map((t) => t.name)).toEqual(["from-cli"]);
  });
});

describe("CLI: what the account may use (the commands of docs/emulator.md)", () => {
  it("serves the groups and models its flags configure, or no such routes", async () => {
    const lists = runCli(["--port=0", "--groups=default,vip=2,auto", "--models=gpt-4o,gpt-4o-mini,o1@vip"]);
    const older = runCli(["--port=0", "--account-routes=false"]);
    try {
      const a = await lists.info;
      const get = async (url: string, token: string) =>
        JSON.parse((await send(url, "GET", { authorization: token }, undefined)).text) as Record<
          string,
          unknown
        >;
      const token = a.COMETAPI_ACCESS_TOKEN as string;
      expect((await get(`${a.COMETAPI_BASE_URL}/api/user/models?group=default`, token)).data).toEqual([
        "gpt-4o",
        "gpt-4o-mini",
      ]);
      expect((await get(`${a.COMETAPI_BASE_URL}/api/user/models?group=vip`, token)).data).toContain("o1");
      expect((await get(`${a.COMETAPI_BASE_URL}/api/user/self/groups`, token)).data).toMatchObject({
        vip: { ratio: 2 },
      });
      const b = await older.info;
      const missing = await send(
        `${b.COMETAPI_BASE_URL}/api/user/models`,
        "GET",
        {
          authorization: b.COMETAPI_ACCESS_TOKEN as string,
        },
        undefined,
      );
      expect(missing.status).toBe(404);
    } finally {
      lists.child.kill("SIGTERM");
      older.child.kill("SIGTERM");
    }
  });
});
