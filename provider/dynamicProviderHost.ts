/**
 * Ties the shared provider to @pulumi/pulumi's dynamic-provider host when this module loads in
 * it (the process the engine starts for `CometApiKey`): the engine's `Cancel` cancels the
 * provider, and a vanished engine ends the process. In any other process (a program, a script, a
 * test) it does nothing.
 */
import type { CometApiKeyProvider } from "./cometApiKeyProvider.js";
import { engineAddressOf, onEngineCancel, watchEngine } from "./engineSignals.js";

/** Whether this process is the dynamic-provider host (`node …/cmd/dynamic-provider/index.js <engine>`). */
export function inDynamicProviderHost(argv: readonly string[] = process.argv): boolean {
  return /[\\/]cmd[\\/]dynamic-provider([\\/]index\.js)?$/.test(argv[1] ?? "");
}

let attached = false;

/** Attaches `provider` to the host's signals, once per process; a no-op outside the host. */
export function attachToDynamicProviderHost(provider: CometApiKeyProvider): void {
  if (attached || !inDynamicProviderHost()) return;
  attached = true;
  onEngineCancel(() => provider.cancel());
  const engine = engineAddressOf(process.argv.slice(2));
  if (engine) {
    const watch = watchEngine(engine, () => {
      provider.cancel();
      process.stderr.write("pulumi-cometapi: the Pulumi engine is gone; the provider stops.\n");
      process.exit(0);
    });
    // Asked right before a request goes after a wait, and before every write: no timing gap.
    provider.whileEngineAlive(watch.alive);
  }
}
