/**
 * A local CometAPI (new-api) emulator for tests, demos and the benchmark.
 *
 * ```ts
 * const emu = await startEmulator({ maskKeys: false });
 * // emu.url, emu.accessToken, emu.userId, emu.control.advanceClock(3600) ...
 * await emu.close();
 * ```
 */
import { type EmulatorControl, EmulatorControlClient } from "./controlClient";
import { EmulatorCore } from "./core";
import { EmulatorServer } from "./server";
import {
  defaultSwitches,
  type EmulatorOptions,
  type EmulatorSwitches,
  START_OPTIONS,
  SWITCH_NAMES,
} from "./settings";
import { EmulatorStore, type EmulatorUser, randomAccessToken } from "./store";
import { validateSwitchPatch } from "./switchPatch";

export type { EmulatorControl } from "./controlClient";
export { EmulatorControlClient, EmulatorControlError } from "./controlClient";
export type { RequestCounts } from "./counts";
export type { FaultKind, FaultSpec } from "./faults";
export { EMULATOR_MODELS } from "./modelApi";
export type { RateLimitSettings } from "./rateLimitSettings";
export { DEFAULT_RATE_LIMITS } from "./rateLimitSettings";
export type { EmulatorOptions, EmulatorStartOptions, EmulatorSwitches } from "./settings";
export { defaultSwitches } from "./settings";
export type { EmulatorKeyRecord, EmulatorUser } from "./store";

export interface RunningEmulator {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  /** Access token of the first user. */
  accessToken: string;
  /** Id of the first user (1 on a fresh store). */
  userId: number;
  adminToken: string;
  users: EmulatorUser[];
  control: EmulatorControl;
  /** Stops the server (dropping held connections) and flushes the data file. */
  close(): Promise<void>;
}

function switchesFrom(options: EmulatorOptions): EmulatorSwitches {
  const given = Object.fromEntries(SWITCH_NAMES.map((name) => [name, options[name]]));
  return { ...defaultSwitches(), ...validateSwitchPatch(given) };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const switches = switchesFrom(options);
  const store = new EmulatorStore(options.dataFile, options.adminToken ?? randomAccessToken());
  if (options.adminToken !== undefined) store.adminToken = options.adminToken;
  const wanted = Math.max(1, options.users ?? START_OPTIONS.users.default);
  while (store.listUsers().length < wanted) store.addUser();
  store.changed();

  const core = new EmulatorCore(switches, store, options.clock);
  const server = new EmulatorServer(core, () => store.flush());
  const port = await server.listen(options.port ?? START_OPTIONS.port.default);
  const url = `http://127.0.0.1:${port}`;
  const users = store.listUsers().sort((a, b) => a.userId - b.userId);
  const first = users[0] as EmulatorUser;
  let closed: Promise<void> | undefined;
  return {
    url,
    accessToken: first.accessToken,
    userId: first.userId,
    adminToken: store.adminToken,
    users,
    control: new EmulatorControlClient(url, store.adminToken),
    close() {
      closed ??= (async () => {
        await server.close();
        await store.flush();
      })();
      return closed;
    },
  };
}
