import { defineConfig } from "vitest/config";

/**
 * Three layers, each its own vitest project:
 * - unit: pure logic, no sockets;
 * - integration: real HTTP against the embedded emulator on 127.0.0.1;
 * - e2e: the real Pulumi engine through the Automation API (needs the `pulumi` CLI on PATH;
 *   `npm test` provides it, and these tests fail rather than skip when it is missing).
 * `live` runs only through `npm run test:live`, against a real CometAPI account.
 */
export default defineConfig({
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
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
