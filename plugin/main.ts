#!/usr/bin/env node
/**
 * `pulumi-resource-cometapi`: the native `cometapi` Pulumi plugin. The engine starts it (installed
 * with `pulumi plugin install resource cometapi <version> --file <archive>`, named in Pulumi.yaml's
 * `plugins.providers`, or found on PATH), reads the port from its first line of stdout and speaks
 * gRPC to it, and passes its own address as the first argument (warnings go there). `npm run plugin:archive` bundles this file into a single executable
 * (scripts/plugin-archive.sh). Logs go to stderr only; the access
 * token never appears in them.
 *
 * `COMETAPI_PLUGIN_CALL_LOG=<file>` appends the name of every gRPC method called to that file,
 * one per line (the end-to-end tests use it to show what the engine called).
 *
 * The engine's Cancel (one Ctrl-C) stops the core's requests (`resourceProviderServer.ts`); an
 * engine that is gone (the CLI killed) ends the process (`provider/host/engineSignals.ts`).
 */
import { appendFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { engineAddressOf, watchEngine } from "../provider/host/engineSignals.js";
import { engineWarn } from "./engineLog.js";
import { startResourceProviderServer } from "./resourceProviderServer.js";

/**
 * Set by the bundler when this file becomes the single executable of the plugin archive, where no
 * package.json sits beside the code (scripts/plugin-archive.sh).
 */
declare const COMETAPI_PLUGIN_VERSION: string | undefined;

/** The package version: the plugin's version. */
function packageVersion(): string {
  if (typeof COMETAPI_PLUGIN_VERSION === "string") return COMETAPI_PLUGIN_VERSION;
  const manifest = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

async function main(): Promise<void> {
  const callLog = process.env.COMETAPI_PLUGIN_CALL_LOG;
  const { port, core } = await startResourceProviderServer({
    version: packageVersion(),
    // The engine passes its address first: warnings go there, into the engine's output.
    core: { warn: engineWarn(process.argv[2]) },
    ...(callLog ? { onCall: (method: string) => appendFileSync(callLog, `${method}\n`) } : {}),
  });
  // The engine gone (the CLI killed): send nothing more, and end. The core asks right before a
  // request goes after a wait, and before every write, so no request slips out in between.
  const engine = engineAddressOf(process.argv.slice(2));
  if (engine) {
    const watch = watchEngine(engine, () => {
      process.stderr.write("pulumi-resource-cometapi: the Pulumi engine is gone; the plugin stops.\n");
      process.exit(0);
    });
    core.whileEngineAlive(watch.alive);
  }
  process.stdout.write(`${port}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `pulumi-resource-cometapi: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
