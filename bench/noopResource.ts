/**
 * A dynamic resource that does nothing: the baseline for the engine's own cost per resource
 * (serialization, plugin, gRPC, state), so the CometAPI provider's overhead shows as a ratio.
 *
 * The engine stores a dynamic provider's text twice in every resource's state and rewrites the
 * whole state after each step, so the size of that text alone changes the engine's cost. A no-op
 * provider can therefore carry `paddingBytes` of inert text, to stand beside a provider of the
 * same stored size: the ratio to it is what the provider's own work costs.
 */
import * as pulumi from "@pulumi/pulumi";

const providers = new Map<number, pulumi.dynamic.ResourceProvider>();

/** One provider object per padding (the SDK serializes each provider object once). */
function noopProvider(paddingBytes: number): pulumi.dynamic.ResourceProvider {
  let provider = providers.get(paddingBytes);
  if (!provider) {
    // Arrow functions only, capturing nothing but the padding: the smallest provider possible.
    // `diff` names `padding` only so that the serializer stores it; the comparison is never true.
    const padding = " ".repeat(paddingBytes);
    provider = {
      check: async (_olds, news) => ({ inputs: news }),
      diff: async (_id, olds, news) => ({ changes: olds.v !== news.v || padding === "never" }),
      create: async (inputs) => ({
        id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
        outs: inputs,
      }),
      read: async (id, props) => ({ id, props }),
      update: async (_id, _olds, news) => ({ outs: news }),
      delete: async () => undefined,
    };
    providers.set(paddingBytes, provider);
  }
  return provider;
}

export class NoopResource extends pulumi.dynamic.Resource {
  declare readonly v: pulumi.Output<number>;
  constructor(name: string, v: number, paddingBytes = 0, opts?: pulumi.CustomResourceOptions) {
    super(noopProvider(paddingBytes), name, { v }, opts, "bench", "Noop");
  }
}
