/**
 * Run by test/live/keys.test.ts against a real CometAPI account. Every key name starts with the
 * `namePrefix` config (`pulumi-cometapi-live-<run>-`), so leftovers are easy to find and sweep.
 */
import * as pulumi from "@pulumi/pulumi";
import { CometApiKey } from "pulumi-cometapi";

const config = new pulumi.Config();
const prefix = config.require("namePrefix");

const main = new CometApiKey("main", {
  name: `${prefix}main`,
  quota: config.getNumber("quota") ?? 500_000,
  models: config.getObject<string[]>("models") ?? ["gpt-4o-mini"],
  // TEST-NET-3 (RFC 5737): nobody can actually use the key.
  allowIps: ["203.0.113.0/24"],
  expiresAt: config.get("expiresAt"),
});

const disabled = new CometApiKey("disabled", {
  name: `${prefix}disabled`,
  unlimitedQuota: true,
  enabled: config.getBoolean("disabledEnabled") ?? false,
  allowIps: ["203.0.113.0/24"],
});

export const mainId = main.keyId;
export const mainKey = main.key;
export const mainMasked = main.maskedKey;
export const disabledId = disabled.keyId;
export const disabledStatus = disabled.status;
