/**
 * Opt-in acceptance tests against a REAL CometAPI account: `COMETAPI_ACCESS_TOKEN=… npm run test:live`
 * (plus COMETAPI_USER_ID when the deployment wants the New-Api-User header, COMETAPI_BASE_URL for
 * another new-api gateway). They create, update and delete keys named
 * `pulumi-cometapi-live-<run>-…` through the real Pulumi engine; the sweeper deletes this run's
 * keys afterwards and any `pulumi-cometapi-live-` key older than an hour beforehand. No model
 * calls are made (no quota is spent; the keys are limited to a documentation-only IP range).
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CometApiClient, KeyNotFoundError } from "../../provider";
import { createLocalProgramStack, type EngineStack } from "../support/engine";
import { LIVE_PREFIX, liveClient, sweepLeftovers } from "./sweeper";

if (!process.env.COMETAPI_ACCESS_TOKEN) {
  throw new Error(
    "the live tests run against a real CometAPI account and need COMETAPI_ACCESS_TOKEN " +
      "(Console → Personal Settings → access token): COMETAPI_ACCESS_TOKEN=… npm run test:live",
  );
}

const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const prefix = `${LIVE_PREFIX}${run}-`;
let client: CometApiClient;
let engine: EngineStack | undefined;

beforeAll(async () => {
  client = liveClient();
  const swept = await sweepLeftovers(client, { createdBefore: Math.floor(Date.now() / 1000) - 3600 });
  if (swept.length > 0)
    console.log(`swept ${swept.length} leftover key(s) of earlier runs: ${swept.join(", ")}`);
}, 120_000);

afterAll(async () => {
  try {
    await engine?.cleanup();
  } finally {
    const swept = await sweepLeftovers(client, { prefix });
    if (swept.length > 0) console.log(`swept ${swept.length} key(s) this run left: ${swept.join(", ")}`);
    await client.close();
  }
}, 300_000);

describe("live: CometApiKey against the real service", () => {
  it("creates, updates in place, refreshes without drift and deletes keys", async () => {
    engine = await createLocalProgramStack(join(__dirname, "program"), {
      config: { namePrefix: { value: prefix } },
    });
    const { stack } = engine;

    expect((await stack.preview()).changeSummary).toEqual({ create: 3 });
    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ create: 3 });
    const mainId = up.outputs.mainId?.value as number;
    const disabledId = up.outputs.disabledId?.value as number;
    expect(up.outputs.mainKey?.secret).toBe(true);
    expect(up.outputs.mainKey?.value).toMatch(/^sk-[0-9A-Za-z]{48}$/);
    expect(up.outputs.mainMasked?.value).toMatch(/^sk-\w{4}\*+\w{4}$/);
    expect(up.outputs.disabledStatus?.value).toBe("disabled");
    const main = await client.getKey(mainId);
    expect(main).toMatchObject({
      name: `${prefix}main`,
      remainingQuota: 500_000,
      modelLimits: ["gpt-4o-mini"],
    });
    expect((await client.getKey(disabledId)).status).toBe(2);

    // No drift right after creation.
    expect((await stack.refresh()).summary.result).toBe("succeeded");
    expect((await stack.preview()).changeSummary).toEqual({ same: 3 });

    // In place: models, quota (a top-up), and enabling the disabled key.
    await stack.setConfig("models", { value: JSON.stringify(["gpt-4o-mini", "deepseek-chat"]) });
    await stack.setConfig("quota", { value: "750000" });
    await stack.setConfig("disabledEnabled", { value: "true" });
    expect((await stack.preview()).changeSummary).toEqual({ update: 2, same: 1 });
    const up2 = await stack.up();
    expect(up2.summary.resourceChanges).toEqual({ update: 2, same: 1 });
    expect(up2.outputs.mainId?.value).toBe(mainId);
    const updated = await client.getKey(mainId);
    expect([...updated.models].sort()).toEqual(["deepseek-chat", "gpt-4o-mini"]);
    expect(updated.remainingQuota).toBe(750_000);
    expect((await client.getKey(disabledId)).status).toBe(1);

    expect((await stack.destroy()).summary.resourceChanges).toEqual({ delete: 3 });
    await expect(client.getKey(mainId)).rejects.toBeInstanceOf(KeyNotFoundError);
    await expect(client.getKey(disabledId)).rejects.toBeInstanceOf(KeyNotFoundError);
  });
});
