/**
 * A key that rotates. Changing the `rotation` stack config (a date, a counter: any string)
 * replaces the key through the `replacementTrigger` resource option. Replacement is
 * create-before-delete: the new key is created first, everything that takes `apiKey.key` as an
 * input is updated to the new value, and the old key is deleted only at the end of `pulumi up`.
 *
 *   pulumi config set rotation 2026-12-01
 *   pulumi up            # ++ create replacement, then -- delete original
 *
 * (`replaceOnChanges: ["name"]` does not force a replacement for dynamic resources with the
 * Pulumi engine this repository is tested with (v3.259): it shows an in-place update. Use
 * `replacementTrigger`.)
 */
import * as pulumi from "@pulumi/pulumi";
import { CometApiKey } from "pulumi-cometapi";

const config = new pulumi.Config();
/** The key's generation; change it to rotate. */
const rotation = config.get("rotation") ?? "initial";

const apiKey = new CometApiKey(
  "api",
  {
    // The generation in the name tells old and new apart in the CometAPI console.
    name: `rotating-api-${rotation}`,
    quota: config.getNumber("quota") ?? 10_000_000,
    models: ["gpt-4o-mini"],
  },
  { replacementTrigger: rotation },
);

export const generation = rotation;
export const keyId = apiKey.keyId;
export const maskedKey = apiKey.maskedKey;
/**
 * Consumers read this (a Pulumi secret): resources in this program that take it as an input are
 * updated in the same `pulumi up`; other stacks read it through a `pulumi.StackReference`
 * (`getOutput("key")`) and pick up the new value on their next `pulumi up`.
 */
export const key = apiKey.key;
