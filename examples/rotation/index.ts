/**
 * A key that rotates on a schedule, with the manual trigger kept for an early rotation.
 *
 * - On a schedule: `rotateAfter: "30d"` makes the key expire 30 days after the server created it,
 *   and the first `pulumi preview`/`pulumi up` from `rotateBefore` (3 days) earlier on replaces it
 *   ("rotation due: created …, rotateAfter 30d …" in the preview). Run `pulumi up` regularly (a
 *   daily CI job) and the key never reaches its expiry.
 * - By hand: changing the `rotation` stack config (a date, a counter: any string) replaces the key
 *   at once through the `replacementTrigger` resource option.
 *
 *   pulumi config set rotation 2026-12-01
 *   pulumi up            # ++ create replacement, then -- delete original
 *
 * Either way the replacement is create-before-delete: the new key is created first, everything
 * that takes `apiKey.key` as an input is updated to the new value, and the old key is deleted only
 * at the end of `pulumi up`. (`replaceOnChanges: ["name"]` does not force a replacement for dynamic
 * resources with the Pulumi engine this repository is tested with: it shows an in-place update.)
 */
import * as pulumi from "@pulumi/pulumi";
import { CometApiKey } from "pulumi-cometapi";

const config = new pulumi.Config();
/** The key's manual generation; change it to rotate now. */
const rotation = config.get("rotation") ?? "initial";

const apiKey = new CometApiKey(
  "api",
  {
    // The generation in the name tells old and new apart in the CometAPI console.
    name: `rotating-api-${rotation}`,
    quota: config.getNumber("quota") ?? 10_000_000,
    models: ["gpt-4o-mini"],
    rotateAfter: config.get("rotateAfter") ?? "30d",
    rotateBefore: config.get("rotateBefore") ?? "3d",
  },
  { replacementTrigger: rotation },
);

export const generation = rotation;
export const keyId = apiKey.keyId;
export const maskedKey = apiKey.maskedKey;
export const createdAt = apiKey.createdAt;
/** When the key stops working unless a run replaced it first: 30 days after it was created. */
export const expiresAt = apiKey.expiresAt;
/**
 * Consumers read this (a Pulumi secret): resources in this program that take it as an input are
 * updated in the same `pulumi up`; other stacks read it through a `pulumi.StackReference`
 * (`getOutput("key")`) and pick up the new value on their next `pulumi up`.
 */
export const key = apiKey.key;
