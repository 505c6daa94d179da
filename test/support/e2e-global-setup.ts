/**
 * vitest globalSetup of the `e2e` project: fails the whole project up front when the Pulumi CLI
 * is missing, so that no end-to-end test can pass or skip without the real engine. Then builds the
 * plugin archive once, so that the test files running side by side only read it.
 */
import { pulumiCliVersion, requirePulumiCli } from "./engine";
import { buildPluginArchive } from "./pluginArchive";

/** Checks that `pulumi` is on PATH and runs, and builds the plugin archive. */
export default async function setup(): Promise<void> {
  requirePulumiCli();
  const version = pulumiCliVersion();
  if (!/^v3\.\d+\.\d+/.test(version)) {
    throw new Error(
      `\`pulumi version\` printed ${JSON.stringify(version)}; expected v3.x.y (an unstamped build?)`,
    );
  }
  await buildPluginArchive();
}
