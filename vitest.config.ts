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
          // Two files at a time: each has its own emulator, backend, PULUMI_HOME and stack names,
          // and the global setup builds the plugin archive once. One at a time took a warm CI run
          // to 1296 s, over its 20-minute budget; two brought it to 969 s. The load of two files
          // once let a plugin whose CLI was SIGKILLed send a held-back create before its watch saw
          // the engine gone; the HTTP layer now asks whether the engine is there right before such
          // a request goes (issue 21), so no timing can let one out.
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
      { test: { name: "live", include: ["test/live/**/*.test.ts"], testTimeout: 300_000 } },
    ],
  },
};

export default config;
