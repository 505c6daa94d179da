/**
 * Taking over a key that was created in the CometAPI console. `pulumi import` cannot work for
 * dynamic providers (pulumi/pulumi#16175), so the key's id goes into `adoptKeyId`: the first
 * `pulumi up` takes that key over and converges it to the arguments below (its remaining quota is
 * set to `quota`), instead of creating a new key. The key keeps its value, so its users are
 * not disturbed.
 *
 *   pulumi config set keyId 1234        # the id shown in the console's key list
 *   pulumi up
 *
 * `retainOnDelete` keeps the key in CometAPI when the resource is deleted or the stack destroyed:
 * a key that existed before Pulumi managed it outlives Pulumi by default here. Remove the option
 * to let `pulumi destroy` delete it.
 */
import * as pulumi from "@pulumi/pulumi";
import { CometApiKey } from "pulumi-cometapi";

const config = new pulumi.Config();

const legacy = new CometApiKey(
  "legacy",
  {
    adoptKeyId: config.requireNumber("keyId"),
    name: config.get("name") ?? "legacy-backend",
    quota: config.getNumber("quota") ?? 2_000_000,
    models: ["gpt-4o-mini", "deepseek-chat"],
  },
  { retainOnDelete: true },
);

export const keyId = legacy.keyId;
export const maskedKey = legacy.maskedKey;
export const status = legacy.status;
export const remainingQuota = legacy.remainingQuota;
