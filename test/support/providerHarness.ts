/**
 * Test harness for the provider against the emulator: a provider tuned for fast tests, a
 * check-then-create helper like the engine's, model calls with a key, and request counting.
 */
import { request } from "undici";
import type { EmulatorSwitches, RunningEmulator } from "../../emulator/index";
import {
  type CometApiKeyProvider,
  type CometApiKeyProviderOptions,
  createCometApiKeyProvider,
} from "../../provider/key/lifecycle";

/**
 * The service behaviours whose every combination the provider must handle: the build (the
 * 2026-03 build, which requires `New-Api-User`, or upstream 2026-08, which never checks it) and
 * four switches.
 */
export type BehaviourSwitches = Pick<
  EmulatorSwitches,
  "serverProfile" | "requireUserHeader" | "maskKeys" | "nameLimit" | "fullUpdateAppliesStatus" | "groupCheck"
>;

/** All 32 combinations of the build and the four behaviour switches. */
export function behaviourCombinations(): BehaviourSwitches[] {
  const combos: BehaviourSwitches[] = [];
  for (let bits = 0; bits < 32; bits += 1) {
    combos.push({
      serverProfile: (bits & 1) === 0 ? "new-api-2026-03" : "upstream-2026-08",
      requireUserHeader: true,
      maskKeys: (bits & 2) === 0,
      nameLimit: (bits & 4) === 0 ? "bytes" : "chars",
      fullUpdateAppliesStatus: (bits & 8) !== 0,
      groupCheck: (bits & 16) !== 0,
    });
  }
  return combos;
}

export function describeCombination(s: BehaviourSwitches): string {
  return [
    s.serverProfile,
    s.maskKeys ? "masked" : "unmasked",
    `name-${s.nameLimit}`,
    s.fullUpdateAppliesStatus ? "put-sets-status" : "put-keeps-status",
    s.groupCheck ? "group-check" : "no-group-check",
  ].join(" ");
}

/**
 * A provider connected to the emulator, with timeouts and delays short enough for tests: the
 * HTTP timeouts and retry pauses, and the unknown-outcome window (60 s by default), shrink so a
 * fault test takes seconds; no listing is reused (`ttlMs: 0`) so each step reads the server; a
 * lone reveal goes at once (`quietMs: 0`). The batching itself has no timing knob left: the same
 * paths run at the production defaults in test/integration/provider/concurrency.test.ts and
 * test/integration/provider/defaultBatching.test.ts.
 */
export function testProvider(
  emu: RunningEmulator,
  overrides: CometApiKeyProviderOptions = {},
): CometApiKeyProvider {
  return createCometApiKeyProvider({
    connection: { baseUrl: emu.url, accessToken: emu.accessToken, userId: emu.userId },
    http: { requestTimeoutMs: 1_500, retryBaseDelayMs: 10, retryMaxDelayMs: 200, retryBudgetMs: 8_000 },
    resolver: { unknownOutcomeGraceMs: 150, unknownOutcomeWindowMs: 600 },
    snapshot: { ttlMs: 0 },
    reveals: { quietMs: 0 },
    ...overrides,
  });
}

/** check then create, as the engine does; throws on check failures. */
export async function createKey(
  provider: CometApiKeyProvider,
  args: Record<string, unknown>,
): Promise<{ id: string; outs: Record<string, unknown>; inputs: Record<string, unknown> }> {
  const { inputs, failures } = await provider.check({}, { __logicalName: "test", ...args });
  if (failures.length > 0) throw new Error(`check failed: ${JSON.stringify(failures)}`);
  const created = await provider.create(inputs);
  return { ...created, inputs };
}

/** check then update, as the engine does; returns the new outputs and inputs. */
export async function updateKey(
  provider: CometApiKeyProvider,
  id: string,
  olds: { outs: Record<string, unknown>; inputs: Record<string, unknown> },
  args: Record<string, unknown>,
): Promise<{ outs: Record<string, unknown>; inputs: Record<string, unknown> }> {
  const { inputs, failures } = await provider.check(olds.inputs, { __logicalName: "test", ...args });
  if (failures.length > 0) throw new Error(`check failed: ${JSON.stringify(failures)}`);
  const { outs } = await provider.update(id, olds.outs, inputs);
  return { outs, inputs };
}

/** One model call with `key` (`sk-…`) through the emulator's model side. */
export async function callModel(
  emu: RunningEmulator,
  key: string,
  model = "gpt-4o-mini",
): Promise<{ status: number; body: string }> {
  const res = await request(`${emu.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hello" }] }),
  });
  return { status: res.statusCode, body: await res.body.text() };
}

/** Total `/api` requests per route since the last reset of the counters. */
export async function apiRequests(emu: RunningEmulator): Promise<Record<string, number>> {
  const counts = await emu.control.requestCounts();
  return Object.fromEntries(
    Object.entries(counts)
      .filter(([route]) => route.includes(" /api/"))
      .map(([route, c]) => [route, c.total]),
  );
}

/** Sum of all `/api` requests. */
export async function totalApiRequests(emu: RunningEmulator): Promise<number> {
  return Object.values(await apiRequests(emu)).reduce((a, b) => a + b, 0);
}

/**
 * A provider connected to the emulator with every production default (timeouts, gather and quiet
 * periods, snapshot TTL, retry budget): the regime users run. `as` connects as another account.
 */
export function productionProvider(
  emu: RunningEmulator,
  as: { accessToken: string; userId: number } = emu,
): CometApiKeyProvider {
  return createCometApiKeyProvider({
    connection: { baseUrl: emu.url, accessToken: as.accessToken, userId: as.userId },
  });
}

/** Resolves once the emulator has used up fault `id` (it is removed when its last hit is taken). */
export async function faultTaken(emu: RunningEmulator, id: string): Promise<void> {
  while ((await emu.control.faults()).some((f) => f.id === id)) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The settled value or the rejection of a promise, never throwing. */
export function outcome<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}
