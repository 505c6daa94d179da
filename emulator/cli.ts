#!/usr/bin/env node
/**
 * `cometapi-emulator`: runs the emulator on 127.0.0.1 and prints how to reach it. Its flags and
 * environment variables come from the settings (cliSettings.ts); `--help` lists them.
 */
import { helpText, optionsFromCli } from "./cliSettings";
import { startEmulator } from "./index";

async function main(): Promise<void> {
  let parsed: ReturnType<typeof optionsFromCli>;
  try {
    parsed = optionsFromCli(process.argv.slice(2), process.env);
  } catch (e) {
    process.stderr.write(`cometapi-emulator: ${(e as Error).message}\n--help lists the flags\n`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(`${helpText()}\n`);
    process.exit(0);
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
