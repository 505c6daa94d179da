/**
 * The emulator's settings as CLI flags and environment variables, named after the settings:
 * `maskKeys` → `--mask-keys` and `COMETAPI_EMULATOR_MASK_KEYS`. A flag wins over its variable.
 */

import { checked, SettingError } from "./settingKinds";
import { type EmulatorOptions, type Setting, START_OPTIONS, SWITCHES } from "./settings";

export const CLI_SETTINGS = Object.entries({ ...START_OPTIONS, ...SWITCHES }).map(
  ([name, setting]: [string, Setting<unknown>]) => {
    const flag = setting.flag ?? name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    return { name, setting, flag, env: `COMETAPI_EMULATOR_${flag.replace(/-/g, "_").toUpperCase()}` };
  },
);

const BY_FLAG = new Map(CLI_SETTINGS.map((s) => [s.flag, s]));

/** The text of each flag given, from `--flag=text`, `--flag text` or a bare `--flag` (""). */
function flagTexts(argv: readonly string[]): { texts: Map<string, string>; json: boolean; help: boolean } {
  const texts = new Map<string, string>();
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf("=");
    const flag = arg.slice(2, eq >= 0 ? eq : undefined);
    const kind = BY_FLAG.get(flag)?.setting.kind;
    const next = argv[i + 1];
    if (arg === "--help" || arg === "-h") return { texts, json, help: true };
    if (arg === "--json") json = true;
    else if (!arg.startsWith("--")) throw new SettingError(`unexpected argument ${arg}`);
    else if (kind === undefined) throw new SettingError(`unknown flag --${flag}`);
    else if (eq >= 0) texts.set(flag, arg.slice(eq + 1));
    else if (kind.bare && (next === undefined || next.startsWith("--"))) texts.set(flag, "");
    else if (next === undefined) throw new SettingError(`--${flag} needs a value`);
    else texts.set(flag, argv[++i] as string);
  }
  return { texts, json, help: false };
}

export function optionsFromCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): { options: EmulatorOptions; json: boolean; help: boolean } {
  const { texts, json, help } = flagTexts(argv);
  const options: Record<string, unknown> = {};
  if (help) return { options, json, help };
  for (const { name, setting, flag, env: envName } of CLI_SETTINGS) {
    const flagText = texts.get(flag);
    const text = flagText ?? env[envName];
    const value = text === undefined ? undefined : setting.kind.read(text);
    if (value === undefined) continue;
    options[name] = checked(setting.kind, flagText === undefined ? envName : `--${flag}`, value, text);
  }
  return { options, json, help };
}

export function helpText(): string {
  return [
    "usage: cometapi-emulator [flags]",
    "Runs the CometAPI emulator on 127.0.0.1 and prints how to reach it. Every flag can instead",
    "be given by the environment variable shown with it; the flag wins. [code]: what the new-api",
    "source does; [docs]: what CometAPI documents.",
    "",
    ...CLI_SETTINGS.flatMap(({ setting, flag, env }) => [
      `  --${flag}${setting.kind.placeholder}  (${env}; default: ${setting.default ?? setting.unset})`,
      `      ${setting.help}`,
    ]),
    "  --json",
    "      print one JSON line instead of KEY=value lines",
    "  --help, -h",
    "      print this help",
  ].join("\n");
}
