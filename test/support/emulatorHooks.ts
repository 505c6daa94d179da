/**
 * One emulator per test file: started before the file's tests, closed after them and, with
 * `resetEach`, put back to its start state before each test. What it returns forwards to the
 * running emulator, so a test file uses it as the emulator itself (`emu.url`, `emu.control`).
 */
import { afterAll, beforeAll, beforeEach } from "vitest";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "../../emulator/index";

export function useEmulator(options: EmulatorOptions & { resetEach?: boolean } = {}): RunningEmulator {
  const { resetEach = false, ...emulatorOptions } = options;
  let running: RunningEmulator | undefined;
  const current = (): RunningEmulator => {
    if (running === undefined)
      throw new Error("the emulator starts in beforeAll: use it inside a test or hook");
    return running;
  };
  beforeAll(async () => {
    running = await startEmulator(emulatorOptions);
  });
  afterAll(async () => {
    await running?.close();
  });
  if (resetEach) {
    beforeEach(async () => {
      await current().control.reset();
    });
  }
  return new Proxy({} as RunningEmulator, {
    get(_target, property) {
      const emulator = current();
      const value: unknown = Reflect.get(emulator, property);
      return typeof value === "function" ? value.bind(emulator) : value;
    },
  });
}
