/**
 * Ties the shared provider to @pulumi/pulumi's dynamic-provider host when this module loads in
 * it (the process the engine starts for `CometApiKey`): the engine's `Cancel` cancels the
 * provider, a vanished engine ends the process, and Diff answers carry the detailed diff the
 * host would drop. In any other process (a program, a script, a test) it does nothing.
 */
import { realpathSync } from "node:fs";
import { dirname, resolve } from "node:path";
import {
  type DetailedDiffResponse,
  detailedDiffEntries,
  fillDetailedDiff,
  type ProviderProtocol,
} from "../key/detailedDiff.js";
import type { CometApiKeyProvider } from "../key/lifecycle.js";
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
  carryDetailedDiffs(provider);
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

/** The host's own protocol module (`@pulumi/pulumi/proto/provider_pb`), the instance its Diff uses. */
interface HostProtocol extends ProviderProtocol {
  DiffRequest: {
    prototype: {
      getId(): string;
      getOlds(): unknown;
      getOldInputs(): { toJavaScript(): Record<string, unknown> } | undefined;
    };
  };
  DiffResponse: { prototype: DetailedDiffResponse & { setChanges(value: number): unknown } };
}

/**
 * Makes the host's Diff answers carry the provider's detailed diff. The host
 * (`@pulumi/pulumi/cmd/dynamic-provider`) answers Diff with the change flag and the replacements
 * only, so the engine's preview would show the set-valued lists position by position (adding a
 * model in front reads as a rename of every entry). Its Diff handler reads the request's `olds`,
 * awaits the provider's `diff`, then reads `result.changes` and sets it on its response at once:
 * the request's old inputs are noted when it reads `olds`, and the detailed diff is written into
 * the response when `result.changes` is read, by the `setChanges` that follows. If the host's
 * protocol module is not found, nothing is patched and lists show by position, nothing else
 * changes (test/e2e/cometApiKey.test.ts asserts the one-line addition, so a host that changes
 * shows there).
 */
function carryDetailedDiffs(provider: CometApiKeyProvider): boolean {
  const pb = hostProtocol();
  if (pb === undefined) return false;
  const oldInputsById = new Map<string, Record<string, unknown> | undefined>();
  let fillNextResponse: ((response: DetailedDiffResponse) => void) | undefined;

  const request = pb.DiffRequest.prototype;
  const getOlds = request.getOlds;
  request.getOlds = function (this: typeof request) {
    oldInputsById.set(this.getId(), this.getOldInputs()?.toJavaScript());
    return getOlds.call(this);
  };
  const response = pb.DiffResponse.prototype;
  const setChanges = response.setChanges;
  response.setChanges = function (this: typeof response, value: number) {
    const fill = fillNextResponse;
    fillNextResponse = undefined;
    fill?.(this);
    return setChanges.call(this, value);
  };

  provider.diff = async (id, olds, news) => {
    const oldInputs = oldInputsById.get(id);
    oldInputsById.delete(id);
    const result = await provider.detailedDiff(id, olds, news);
    const entries = detailedDiffEntries(result, olds, oldInputs, news);
    return {
      get changes() {
        fillNextResponse = (r) => fillDetailedDiff(pb, r, result, entries);
        // Only the `setChanges` right after this read may take it.
        queueMicrotask(() => {
          fillNextResponse = undefined;
        });
        return result.changes;
      },
      replaces: result.replaces,
      deleteBeforeReplace: result.deleteBeforeReplace,
    };
  };
  return true;
}

function hostProtocol(): HostProtocol | undefined {
  const entry = process.argv[1];
  if (entry === undefined) return undefined;
  try {
    const host = realpathSync(entry.endsWith(".js") ? dirname(entry) : entry);
    const path = resolve(host, "..", "..", "proto", "provider_pb.js");
    const loaded = require.cache[path]?.exports as Partial<HostProtocol> | undefined;
    return loaded?.DiffRequest && loaded.DiffResponse && loaded.PropertyDiff
      ? (loaded as HostProtocol)
      : undefined;
  } catch {
    return undefined;
  }
}
