// A type-only import: this CommonJS-typed file cannot `require` the ESM-only "vitest/config"
// (tsc TS1479); vitest itself loads the file as ESM.
import type { ViteUserConfig } from "vitest/config" with { "resolution-mode": "import" };

/**
 * Three layers, each its own vitest project:
 * - unit: pure logic, no sockets;
 * - integration: real HTTP against the embedded emulator on 127.0.0.1;
 * - e2e: the real Pulumi engine through the Automation API (needs the `pulumi` CLI on PATH;
 *   `npm test` provides it, and these tests fail rather than skip when it is missing).
 * `live` runs only through `npm run test:live`, against a real CometAPI account.
 */
const config: ViteUserConfig = {
  test: {
    reporters: ["default"],
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"] } },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          // Fails the project when the `pulumi` CLI is missing (never a silent skip), and builds the
          // plugin archive once before any test installs it.
          globalSetup: ["test/support/e2e-global-setup.ts"],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          // One file at a time: two at once (tried) brought a warm CI run from 1296 s to 969 s, but
          // under that load a plugin whose CLI was SIGKILLed sent a held-back create before it saw
          // its engine gone (interruptedRuns, once in two runs): a race in the provider, open in
          // issue 21, that this setting must not hide or provoke until it is fixed.
          fileParallelism: false,
        },
      },
      { test: { name: "live", include: ["test/live/**/*.test.ts"], testTimeout: 300_000 } },
    ],
  },
};

export default config;
