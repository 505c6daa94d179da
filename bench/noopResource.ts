/**
 * A dynamic resource that does nothing: the baseline for the engine's own cost per resource
 * (serialization, plugin, gRPC, state), so the CometAPI provider's overhead shows as a ratio.
 */
import * as pulumi from "@pulumi/pulumi";

/** Arrow functions only, capturing nothing: the smallest serialized provider possible. */
const noopProvider: pulumi.dynamic.ResourceProvider = {
  check: async (_olds, news) => ({ inputs: news }),
  diff: async (_id, olds, news) => ({ changes: olds.v !== news.v }),
  create: async (inputs) => ({
    id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
    outs: inputs,
  }),
  read: async (id, props) => ({ id, props }),
  update: async (_id, _olds, news) => ({ outs: news }),
  delete: async () => undefined,
};

export class NoopResource extends pulumi.dynamic.Resource {
  declare readonly v: pulumi.Output<number>;
  constructor(name: string, v: number, opts?: pulumi.CustomResourceOptions) {
    super(noopProvider, name, { v }, opts, "bench", "Noop");
  }
}
