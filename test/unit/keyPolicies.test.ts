/**
 * The key policies as functions, without the engine: which resource types they judge (the
 * dynamic `CometApiKey` and the native `cometapi:index:ApiKey`, nothing else), unknown values, and
 * configuration over the defaults. The engine runs them in test/e2e/policy.test.ts.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { cometApiKeyPolicies, DYNAMIC_KEY_TYPE, KEY_POLICY_NAMES, NATIVE_KEY_TYPE } from "../../policy";

const DAY = 86_400_000;
const good = {
  quota: 1_000_000,
  expiresAt: new Date(Date.now() + 30 * DAY).toISOString(),
  allowIps: ["10.0.0.0/8"],
  models: ["gpt-4o-mini"],
};

/** Runs every policy over one resource; returns `policy: message` per violation. */
function judge(
  type: string,
  props: Record<string, unknown>,
  config: Record<string, Record<string, unknown>> = {},
  policies: ResourceValidationPolicy[] = cometApiKeyPolicies(),
): string[] {
  const found: string[] = [];
  for (const policy of policies) {
    const args = { type, props, name: "k", urn: "urn", getConfig: () => config[policy.name] ?? {} };
    const validate = policy.validateResource;
    const run = Array.isArray(validate) ? validate : validate ? [validate] : [];
    for (const v of run)
      v(args as unknown as ResourceValidationArgs, (m) => found.push(`${policy.name}: ${m}`));
  }
  return found;
}

describe("cometApiKeyPolicies", () => {
  it("judges the dynamic and the native key type alike, and no other type", () => {
    const bad = { unlimitedQuota: true, allowIps: [], models: [] };
    const dynamic = judge(DYNAMIC_KEY_TYPE, bad);
    expect(dynamic.map((f) => f.split(":")[0])).toEqual([
      KEY_POLICY_NAMES.noUnlimitedQuota,
      KEY_POLICY_NAMES.expiry,
      KEY_POLICY_NAMES.ipAllowlist,
      KEY_POLICY_NAMES.modelAllowlist,
    ]);
    expect(judge(NATIVE_KEY_TYPE, bad)).toEqual(dynamic);
    expect(judge("aws:s3/bucket:Bucket", bad)).toEqual([]);
    expect(judge(DYNAMIC_KEY_TYPE, good)).toEqual([]);
  });

  it("takes defaults from its options and overrides from the pack config", () => {
    const policies = cometApiKeyPolicies({
      maxQuota: 10,
      enforcementLevels: { "cometapi-ip-allowlist": "mandatory" },
    });
    expect(policies.find((p) => p.name === KEY_POLICY_NAMES.ipAllowlist)?.enforcementLevel).toBe("mandatory");
    expect(policies.find((p) => p.name === KEY_POLICY_NAMES.noUnlimitedQuota)?.enforcementLevel).toBe(
      "mandatory",
    );
    expect(policies.find((p) => p.name === KEY_POLICY_NAMES.modelAllowlist)?.enforcementLevel).toBe(
      "advisory",
    );
    expect(judge(DYNAMIC_KEY_TYPE, good, {}, policies)).toEqual([
      "cometapi-max-quota: quota 1000000 is above maxQuota 10 (quota units, 500000 = $1)",
    ]);
    expect(
      judge(DYNAMIC_KEY_TYPE, good, { "cometapi-max-quota": { maxQuota: 2_000_000 } }, policies),
    ).toEqual([]);
  });

  it("does not judge what is not known (a string where a number belongs is the SDK's unknown)", () => {
    expect(judge(DYNAMIC_KEY_TYPE, { ...good, quota: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" })).toEqual([]);
  });
  it("limits the grace of replaced keys (retireAfter) to maxGraceHours, and judges no key without one", () => {
    expect(judge(DYNAMIC_KEY_TYPE, { ...good, retireAfter: "7d" })).toEqual([]);
    expect(judge(DYNAMIC_KEY_TYPE, { ...good, retireAfter: "8d" })).toEqual([
      'cometapi-max-grace: retireAfter "8d" is longer than 168h (maxGraceHours 168): a replaced key would keep working that long',
    ]);
    expect(
      judge(
        DYNAMIC_KEY_TYPE,
        { ...good, retireAfter: "25h" },
        { "cometapi-max-grace": { maxGraceHours: 24 } },
      ),
    ).toHaveLength(1);
    expect(
      judge(
        NATIVE_KEY_TYPE,
        { ...good, retireAfter: "24h" },
        { "cometapi-max-grace": { maxGraceHours: 24 } },
      ),
    ).toEqual([]);
  });
});
