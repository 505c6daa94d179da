/**
 * A policy pack for CometAPI keys: copy this folder, install `@pulumi/policy`, `@pulumi/pulumi`
 * and `pulumi-cometapi` next to it, then run `pulumi preview --policy-pack <this folder>` in any
 * program with `CometApiKey` (or native `cometapi:index:ApiKey`) resources.
 *
 * The defaults: unlimited quota, no or far expiry (more than 90 days) and quota above 50,000,000
 * units ($100) fail the preview; an empty IP or model allowlist is a warning. Change them here or
 * per run with `--policy-pack-config policy-config.json`, e.g.
 * `{"cometapi-max-quota": {"maxQuota": 5000000}, "cometapi-ip-allowlist": "mandatory"}`.
 */
import { PolicyPack } from "@pulumi/policy";
import { cometApiKeyPolicies } from "pulumi-cometapi/policy";

new PolicyPack("cometapi-keys", {
  policies: cometApiKeyPolicies({ maxDays: 90, maxQuota: 50_000_000 }),
});
