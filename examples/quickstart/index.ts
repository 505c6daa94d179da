/**
 * The pulumi-cometapi quickstart: two CometAPI keys.
 *
 * - `backend`: a limited allotment, restricted to a few models and client addresses; its value
 *   (`sk-…`) is exported as a Pulumi secret for the service that calls CometAPI.
 * - `batch`: unlimited quota, created disabled (switch it on with `batchEnabled: true`).
 *
 * Run from the repository root (`Pulumi.yaml` there points here) or from this folder.
 * Connection: `pulumi config set --secret cometapi:accessToken …` (plus `cometapi:baseUrl` and
 * `cometapi:userId` when needed), or the COMETAPI_* environment variables.
 *
 * Stack configuration read here (all optional):
 *   backendModels   JSON list of model ids   default ["gpt-4o-mini", "claude-3-5-sonnet"]
 *   backendQuota    quota units              default 5000000 ($10 at 500000 units per $)
 *   batchEnabled    true | false             default false
 */
import * as pulumi from "@pulumi/pulumi";
import { CometApiKey } from "pulumi-cometapi";

const config = new pulumi.Config();

const backend = new CometApiKey("backend", {
  quota: config.getNumber("backendQuota") ?? 5_000_000,
  models: config.getObject<string[]>("backendModels") ?? ["gpt-4o-mini", "claude-3-5-sonnet"],
  // Loopback so the demo's model calls from this machine are accepted; 10.0.0.0/8 for a cluster.
  allowIps: ["127.0.0.1", "::1", "10.0.0.0/8"],
});

const batch = new CometApiKey("batch", {
  unlimitedQuota: true,
  enabled: config.getBoolean("batchEnabled") ?? false,
});

/** Safe to print: the console's masked form. */
export const backendMaskedKey = backend.maskedKey;
export const batchMaskedKey = batch.maskedKey;
export const backendKeyId = backend.keyId;
export const batchKeyId = batch.keyId;
/** A Pulumi secret: `pulumi stack output backendKey --show-secrets` reveals it. */
export const backendKey = backend.key;
