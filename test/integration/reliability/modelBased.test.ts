/**
 * Model-based randomized testing at provider level: fast-check generates programs and operation
 * sequences (create/update/disable/enable through random programs, model calls that use quota,
 * the clock passing expiries, console drift and deletes, refreshes), with a random fault hitting
 * once during an `up` or a refresh and every `up` applying its resources concurrently. Each step
 * is checked against the reference model in `test/support/keyModel.ts` (keys on the server,
 * their quota, status and expiry, the secret in state, what the provider reports, which updates
 * must fail). A failure prints the shrunk sequence as a script.
 *
 * Runs: `COMETAPI_MODEL_RUNS` (default 1000); seed: `COMETAPI_MODEL_SEED` to replay one.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { useEmulator } from "../../support/emulatorHooks";
import { sequenceArb } from "../../support/keyModel";
import { emptyStats, runProviderSequence } from "../../support/modelRunner";
import { testProvider } from "../../support/providerHarness";

const RUNS = Number(process.env.COMETAPI_MODEL_RUNS ?? 1_000);
const SEED =
  process.env.COMETAPI_MODEL_SEED === undefined ? undefined : Number(process.env.COMETAPI_MODEL_SEED);

const emu = useEmulator();

describe("model-based: the provider against the reference model", () => {
  it(`agrees with the model on ${RUNS} random sequences`, { timeout: 30 * 60_000 }, async () => {
    const stats = emptyStats();
    const started = performance.now();
    const newProvider = () =>
      testProvider(emu, {
        http: { requestTimeoutMs: 2_000, retryBaseDelayMs: 2, retryMaxDelayMs: 20, retryBudgetMs: 8_000 },
        resolver: { unknownOutcomeGraceMs: 20, unknownOutcomeWindowMs: 200 },
        snapshot: { ttlMs: 0 },
      });
    try {
      await fc.assert(
        fc.asyncProperty(sequenceArb({ faults: true, outOfBandDelete: true }, 8), (steps) =>
          runProviderSequence(emu, newProvider, steps, stats),
        ),
        { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
    } finally {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(
        [
          "",
          `Model-based (provider level): ${stats.sequences} sequences run (incl. shrinking) in ${seconds}s`,
          `  steps:   ${JSON.stringify(stats.steps)}`,
          `  up actions per resource: ${JSON.stringify(stats.actions)}`,
          `  faults injected: ${stats.faults}; model calls accepted ${stats.modelCalls.accepted}, refused ${stats.modelCalls.refused}`,
        ].join("\n"),
      );
    }
  });
});
