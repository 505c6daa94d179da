#!/usr/bin/env node
/**
 * `cometapi-emulator`: runs the emulator on 127.0.0.1 and prints how to reach it.
 *
 * Flags (each also read from an environment variable when the flag is absent):
 *   --port N            COMETAPI_EMULATOR_PORT        (default 0 = a free port)
 *   --data FILE         COMETAPI_EMULATOR_DATA        (persist to FILE)
 *   --users N           COMETAPI_EMULATOR_USERS       (default 1)
 *   --admin-token T     COMETAPI_EMULATOR_ADMIN_TOKEN (default random, or the data file's)
 *   --clock UNIX_S      COMETAPI_EMULATOR_CLOCK       (frozen clock start)
 *   --json              print one JSON line instead of KEY=value lines
 *   one flag per switch: --require-user-header=false, --mask-keys=false, --name-limit=chars,
 *   --full-update-applies-status, --group-check, --groups=a,b, --status-flips=never,
 *   --max-user-tokens=N, --quota-per-unit=N, --rate-limits=default, --charge-per-request=N,
 *   --latency-ms=N   (env COMETAPI_EMULATOR_<SWITCH>, e.g. COMETAPI_EMULATOR_MASK_KEYS=false)
 */
import { type EmulatorOptions, startEmulator } from "./index";
import {
  type EmulatorSwitches,
  parseSwitchText,
  SWITCH_NAMES,
  SwitchError,
  switchEnvName,
  switchFlagName,
} from "./switches";

const GENERAL = ["port", "data", "users", "admin-token", "clock"] as const;

function usage(): string {
  const switches = SWITCH_NAMES.map((n) => `--${switchFlagName(n)}=VALUE`).join(" ");
  return `usage: cometapi-emulator [--port N] [--data FILE] [--users N] [--admin-token T] [--clock UNIX_S] [--json] ${switches}`;
}

/** Parses `--name=value`, `--name value` and bare boolean `--name`. */
function parseArgs(argv: string[]): { flags: Map<string, string>; json: boolean } {
  const flags = new Map<string, string>();
  let json = false;
  const booleanSwitches = new Set(
    SWITCH_NAMES.filter((n) =>
      ["requireUserHeader", "maskKeys", "fullUpdateAppliesStatus", "groupCheck", "rateLimits"].includes(n),
    ).map(switchFlagName),
  );
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--json") {
      json = true;
      continue;
    }
    if (arg === "--help" || arg === "-h") {
      process.stdout.write(`${usage()}\n`);
      process.exit(0);
    }
    if (!arg.startsWith("--")) throw new SwitchError(`unexpected argument ${arg}`);
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (booleanSwitches.has(name) && (argv[i + 1] === undefined || argv[i + 1]?.startsWith("--")))
      value = "true";
    else {
      const next = argv[i + 1];
      if (next === undefined) throw new SwitchError(`--${name} needs a value`);
      value = next;
      i++;
    }
    flags.set(name, value);
  }
  return { flags, json };
}

function intFlag(name: string, text: string): number {
  if (!/^[0-9]+$/.test(text.trim()))
    throw new SwitchError(`--${name}: expected a non-negative integer, got ${text}`);
  return Number(text.trim());
}

export function optionsFromCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
): { options: EmulatorOptions; json: boolean } {
  const { flags, json } = parseArgs(argv);
  const known = new Set<string>([...GENERAL, ...SWITCH_NAMES.map(switchFlagName)]);
  for (const name of flags.keys()) if (!known.has(name)) throw new SwitchError(`unknown flag --${name}`);
  const get = (flag: string, envName: string): string | undefined => flags.get(flag) ?? env[envName];
  const options: EmulatorOptions = {};
  const port = get("port", "COMETAPI_EMULATOR_PORT");
  if (port !== undefined) options.port = intFlag("port", port);
  const data = get("data", "COMETAPI_EMULATOR_DATA");
  if (data) options.dataFile = data;
  const users = get("users", "COMETAPI_EMULATOR_USERS");
  if (users !== undefined) options.users = intFlag("users", users);
  const admin = get("admin-token", "COMETAPI_EMULATOR_ADMIN_TOKEN");
  if (admin) options.adminToken = admin;
  const clock = get("clock", "COMETAPI_EMULATOR_CLOCK");
  if (clock !== undefined) options.clock = intFlag("clock", clock);
  const switches: Partial<EmulatorSwitches> = {};
  for (const name of SWITCH_NAMES) {
    const text = get(switchFlagName(name), switchEnvName(name));
    if (text !== undefined) Object.assign(switches, parseSwitchText(name, text));
  }
  return { options: { ...options, ...switches }, json };
}

async function main(): Promise<void> {
  let parsed: { options: EmulatorOptions; json: boolean };
  try {
    parsed = optionsFromCli(process.argv.slice(2), process.env);
  } catch (e) {
    process.stderr.write(`cometapi-emulator: ${(e as Error).message}\n${usage()}\n`);
    process.exit(2);
  }
  const emu = await startEmulator(parsed.options);
  const info = {
    url: emu.url,
    accessToken: emu.accessToken,
    userId: emu.userId,
    adminToken: emu.adminToken,
    users: emu.users,
  };
  if (parsed.json) process.stdout.write(`${JSON.stringify(info)}\n`);
  else {
    process.stdout.write(
      [
        `CometAPI emulator listening on ${emu.url}`,
        `COMETAPI_BASE_URL=${emu.url}`,
        `COMETAPI_ACCESS_TOKEN=${emu.accessToken}`,
        `COMETAPI_USER_ID=${emu.userId}`,
        `COMETAPI_EMULATOR_ADMIN_TOKEN=${emu.adminToken}`,
        ...emu.users.slice(1).map((u) => `user ${u.userId}: ${u.accessToken}`),
        "",
      ].join("\n"),
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    emu.close().then(
      () => {
        process.stderr.write(`cometapi-emulator: stopped (${signal})\n`);
        process.exit(0);
      },
      (e: unknown) => {
        process.stderr.write(`cometapi-emulator: error while stopping: ${(e as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`cometapi-emulator: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
