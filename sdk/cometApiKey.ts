/**
 * `CometApiKey`: a CometAPI API key managed by Pulumi. Its arguments, outputs and their docs are
 * declared in `cometApiKeyTypes.ts`, written from the provider's description by `npm run schema`.
 *
 * @example
 * import { CometApiKey } from "pulumi-cometapi";
 *
 * const backend = new CometApiKey("backend", {
 *   quota: 500_000,
 *   models: ["gpt-4o-mini"],
 *   allowIps: ["10.0.0.0/8"],
 * });
 * export const apiKey = backend.key; // a Pulumi secret: `sk-…`
 */
import * as pulumi from "@pulumi/pulumi";
import {
  COMET_API_KEY_COMPUTED,
  COMET_API_KEY_INPUTS,
  type CometApiKeyArgs,
  type CometApiKeyOutputs,
} from "./cometApiKeyTypes.js";
import { cometApiKeyProviderLoader } from "./providerLoader.js";

export type { CometApiKeyArgs, KeyStatus, RetiredKey } from "./cometApiKeyTypes.js";

/** The outputs of a `CometApiKey` (merged into the class; the engine sets them). */
export interface CometApiKey extends CometApiKeyOutputs {}

/** A CometAPI API key. The resource id is the key's numeric id as a string. */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the outputs are set by the engine, never by this class
export class CometApiKey extends pulumi.dynamic.Resource {
  constructor(name: string, args: CometApiKeyArgs, opts?: pulumi.CustomResourceOptions) {
    // A fresh object per resource: the base constructor adds `__provider` to it. Outputs exist
    // only for keys present here, so computed ones are listed as undefined.
    const props: Record<string, unknown> = {
      ...Object.fromEntries(COMET_API_KEY_INPUTS.map((input) => [input, args[input]])),
      __logicalName: name,
      // The auto-name's suffix derives from this: what the preview shows is what `up` creates.
      __autoNameSeed: `${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
      ...Object.fromEntries(COMET_API_KEY_COMPUTED.map((output) => [output, undefined])),
    };
    super(
      cometApiKeyProviderLoader,
      name,
      props,
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["key"] }),
      "cometapi",
      "CometApiKey",
    );
  }
}
