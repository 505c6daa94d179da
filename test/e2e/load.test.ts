/**
 * Load: one `pulumi up` creating 200 keys at parallelism 16 against the emulator with new-api's
 * default rate limits switched on (180 requests / 180 s per IP on every /api route, search 10/min,
 * key reveal 20 / 20 min), then `refresh` and `destroy`: not a single failed resource, every key
 * distinct and its secret in state equal to the server's. Prints the requests made per route
 * (429s included) and the wall time of each phase.
 *
 * The limiter windows run on the EMULATOR clock. To keep CI time bounded, the test moves that
 * clock forward by 30 s every real second while the engine runs (a 180 s window passes in ~6 s of
 * real time). So the emulator plays the build whose 429s carry no Retry-After (new-api-2026-03):
 * the provider must pace itself through them. Upstream 2026-08 sends Retry-After, the window's
 * full length in real seconds, which the provider honours, so on that profile the same run takes
 * several real minutes per window whatever the emulator's clock says (its Retry-After handling is
 * tested in test/integration/provider/errorWording.test.ts and rateLimit.test.ts). The clock
 * advance changes nothing else (no key here expires).
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_RATE_LIMITS, type RunningEmulator, startEmulator } from "../../emulator/index";
import type * as sdk from "../../sdk/index";
import { createInlineStack, type EngineStack, emulatorConnection, repoRoot } from "../support/engine";
import { expectNoSecrets } from "../support/secretScan";

const { CometApiKey } = createRequire(join(repoRoot(), "package.json"))("./dist/sdk/index.js") as typeof sdk;

const KEYS = 200;
const PARALLEL = 16;

let emu: RunningEmulator;
let engine: EngineStack;
let declared = 0;
const output: string[] = [];
const onOutput = (line: string) => output.push(line);
const onError = (line: string) => output.push(line);

async function program(): Promise<Record<string, unknown>> {
  const keys = Array.from(
    { length: declared },
    (_, i) => new CometApiKey(`load-${i}`, { name: `load-${i}`, quota: 100_000, models: ["gpt-4o-mini"] }),
  );
  return { count: keys.length };
}

/** Moves the emulator clock +30 s every second while `work` runs. */
async function withFastClock<T>(work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => void emu.control.advanceClock(30).catch(() => undefined), 1_000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

const report: string[] = [];

async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
  await emu.control.resetCounts();
  const started = performance.now();
  const result = await withFastClock(work);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const counts = await emu.control.requestCounts();
  const api = Object.entries(counts).filter(([route]) => route.includes(" /api/"));
  const total = api.reduce((s, [, c]) => s + c.total, 0);
  const limited = api.reduce((s, [, c]) => s + (c.byStatus["429"] ?? 0), 0);
  report.push(
    `${name}: ${seconds}s wall, ${total} /api requests (${limited} answered 429)`,
    ...api.map(
      ([route, c]) => `    ${route.padEnd(28)} ${String(c.total).padStart(4)}  ${JSON.stringify(c.byStatus)}`,
    ),
  );
  return result;
}

beforeAll(async () => {
  emu = await startEmulator({ serverProfile: "new-api-2026-03", rateLimits: { ...DEFAULT_RATE_LIMITS } });
  engine = await createInlineStack("cometapi-load", program, emulatorConnection(emu));
});

afterAll(async () => {
  console.log(
    [
      "",
      `Load: ${KEYS} keys, parallelism ${PARALLEL}, emulator rate limits ${JSON.stringify(DEFAULT_RATE_LIMITS)}`,
      ...report,
    ].join("\n"),
  );
  await emu?.control.setSwitches({ rateLimits: false }).catch(() => undefined);
  await engine?.cleanup();
  await emu?.close();
});

describe(`${KEYS} keys in one up at parallelism ${PARALLEL}, rate limits on`, () => {
  it("up creates every key without a failure", async () => {
    declared = KEYS;
    const up = await phase("up", () => engine.stack.up({ onOutput, onError, parallel: PARALLEL }));
    expect(up.summary.result).toBe("succeeded");
    expect(up.summary.resourceChanges?.create).toBe(KEYS + 1); // + the stack
    const server = await emu.control.keys();
    expect(server).toHaveLength(KEYS);
    expect(new Set(server.map((k) => k.name)).size).toBe(KEYS);
    const state = await engine.stack.exportStack(); // decrypted, for comparing values only
    const resources = (
      state.deployment.resources as { type: string; id: string; outputs: Record<string, unknown> }[]
    ).filter((r) => r.type === "pulumi-nodejs:dynamic/cometapi:CometApiKey");
    expect(resources).toHaveLength(KEYS);
    for (const r of resources) {
      const record = server.find((k) => String(k.id) === r.id);
      const key = r.outputs.key as { plaintext?: string } | string;
      const value = typeof key === "string" ? key : JSON.parse(String(key.plaintext));
      expect(value, `secret of ${r.outputs.name}`).toBe(`sk-${record?.key}`);
      expect(r.outputs.name).toBe(record?.name);
    }
    const counts = await emu.control.requestCounts();
    expect(counts["POST /api/token/"]?.byStatus["200"], "each key created exactly once").toBe(KEYS);
  });

  it("refresh reads them all without a failure or a change", async () => {
    const refresh = await phase("refresh", () =>
      engine.stack.refresh({ onOutput, onError, parallel: PARALLEL }),
    );
    expect(refresh.summary.result).toBe("succeeded");
    expect(refresh.summary.resourceChanges?.update ?? 0).toBe(0);
    expect(refresh.summary.resourceChanges?.delete ?? 0).toBe(0);
  });

  it("destroy deletes them all without a failure", async () => {
    const server = await emu.control.keys();
    const destroy = await phase("destroy", () =>
      engine.stack.destroy({ onOutput, onError, parallel: PARALLEL }),
    );
    expect(destroy.summary.result).toBe("succeeded");
    expect(destroy.summary.resourceChanges?.delete).toBe(KEYS + 1);
    expect(await emu.control.keys()).toEqual([]);
    expectNoSecrets("engine output", output.join("\n"), {
      accessToken: emu.accessToken,
      keys: server.map((k) => k.key),
    });
  });
});
