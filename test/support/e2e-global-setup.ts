/**
 * vitest globalSetup of the `e2e` project: fails the whole project up front when the Pulumi CLI
 * is missing, so that no end-to-end test can pass or skip without the real engine.
 */
import { pulumiCliVersion, requirePulumiCli } from "./engine";

/** Checks that `pulumi` is on PATH and runs. */
export default function setup(): void {
  requirePulumiCli();
  const version = pulumiCliVersion();
  if (!/^v3\.\d+\.\d+/.test(version)) {
    throw new Error(
      `\`pulumi version\` printed ${JSON.stringify(version)}; expected v3.x.y (an unstamped build?)`,
    );
  }
}
