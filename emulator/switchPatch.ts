/** Checks a partial set of switches, as an options object or `PUT /_emulator/switches` gives it. */
import { checked, SettingError } from "./settingKinds";
import { type EmulatorSwitches, SWITCHES } from "./settings";

/** The switches given, normalised; unknown names are refused so a typo does not test the default. */
export function validateSwitchPatch(input: unknown): Partial<EmulatorSwitches> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new SettingError("switches must be a JSON object");
  }
  const patch: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(SWITCHES, name)) throw new SettingError(`unknown switch ${name}`);
    patch[name] = checked<unknown>(SWITCHES[name as keyof EmulatorSwitches].kind, name, value);
  }
  return patch as Partial<EmulatorSwitches>;
}
