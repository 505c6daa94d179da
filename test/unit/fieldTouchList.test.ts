/**
 * How many hand-written product files name each key field (issue 22): a plain field, described
 * once in `provider/model/fields.ts`, is named by at most 2 such files (in fact only there); the
 * properties with lifecycle rules of their own (and the plain fields that policies or the account
 * checks single out) are named by exactly the files listed here, so any growth fails.
 *
 * Product files: the TypeScript under provider/, plugin/, sdk/, policy/ and engine/, without the
 * generated `sdk/cometApiKeyTypes.ts` (the emulator, tests, docs and plugin-sdks/ are not product code).
 * A file names a field when it holds the property's name or one of its wire names as a word.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { KEY_FIELD_NAMES } from "../../provider/model/fieldRules";
import { KEY_FIELDS } from "../../provider/model/fields";

const root = path.resolve(__dirname, "../..");
const PRODUCT_FOLDERS = ["provider", "plugin", "sdk", "policy", "engine"];
const GENERATED = new Set(["sdk/cometApiKeyTypes.ts"]);

function productFiles(): string[] {
  return PRODUCT_FOLDERS.flatMap((folder) =>
    readdirSync(path.join(root, folder), { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts"))
      .map((file) => path.posix.join(folder, file.split(path.sep).join("/"))),
  )
    .filter((file) => !GENERATED.has(file))
    .sort();
}

const texts = new Map(productFiles().map((file) => [file, readFileSync(path.join(root, file), "utf8")]));

function filesNaming(names: readonly string[]): string[] {
  const patterns = names.map((n) => new RegExp(`\\b${n}\\b`));
  return [...texts].filter(([, text]) => patterns.some((p) => p.test(text))).map(([file]) => file);
}

/** The wire names of a plain field, from its description. */
function wireNames(field: string): string[] {
  const described = (KEY_FIELDS as Record<string, { wire: object }>)[field];
  return described ? Object.keys(described.wire) : [];
}

/** The fields with rules beyond the description, and every product file that names them. */
const SPECIAL: Record<string, { wire: string[]; files: string[] }> = {
  // Policies judge it; the account checks judge it with `group`.
  models: {
    wire: wireNames("models"),
    files: [
      "policy/keyPolicies.ts",
      "policy/keyResourceTypes.ts",
      "provider/account/catalog.ts",
      "provider/account/lookups.ts",
      "provider/key/accountChecks.ts",
      "provider/key/diff.ts",
      "provider/key/session.ts",
      "provider/key/steps/check.ts",
      "provider/model/description.ts",
      "provider/model/fields.ts",
      "provider/service/client.ts",
      "provider/service/wire.ts",
      "sdk/accountLookups.ts",
      "sdk/cometApiKey.ts",
      "sdk/index.ts",
    ],
  },
  // A policy judges it (and the SDK's example shows it).
  allowIps: {
    wire: wireNames("allowIps"),
    files: [
      "policy/keyPolicies.ts",
      "policy/keyResourceTypes.ts",
      "provider/model/fields.ts",
      "sdk/cometApiKey.ts",
    ],
  },
  // The account check; `group` is also the account's group and getModels' argument.
  group: {
    wire: wireNames("group"),
    files: [
      "plugin/functions.ts",
      "plugin/referenceDoc.ts",
      "provider/account/catalog.ts",
      "provider/account/lookups.ts",
      "provider/key/accountChecks.ts",
      "provider/key/createdKeyResolver.ts",
      "provider/key/snapshot.ts",
      "provider/key/steps/check.ts",
      "provider/model/description.ts",
      "provider/model/fieldRules.ts",
      "provider/model/fields.ts",
      "provider/service/client.ts",
      "provider/service/wire.ts",
      "provider/shared/ip.ts",
      "sdk/accountLookups.ts",
      "sdk/index.ts",
    ],
  },
  // The allotment: usage never shows as drift, a change tops up.
  quota: {
    wire: ["remain_quota"],
    files: [
      "plugin/sdkDeclarations.ts",
      "policy/keyPolicies.ts",
      "policy/keyResourceTypes.ts",
      "provider/account/lookups.ts",
      "provider/key/createdKeyResolver.ts",
      "provider/key/lifecycle.ts",
      "provider/key/recordMapping.ts",
      "provider/key/snapshot.ts",
      "provider/key/steps/adopt.ts",
      "provider/key/steps/converge.ts",
      "provider/key/steps/read.ts",
      "provider/key/steps/update.ts",
      "provider/model/description.ts",
      "provider/model/properties.ts",
      "provider/service/client.ts",
      "provider/service/wire.ts",
      "sdk/accountLookups.ts",
      "sdk/cometApiKey.ts",
    ],
  },
  unlimitedQuota: {
    wire: ["unlimited_quota"],
    files: [
      "plugin/sdkDeclarations.ts",
      "policy/keyPolicies.ts",
      "policy/keyResourceTypes.ts",
      "provider/key/createdKeyResolver.ts",
      "provider/key/recordMapping.ts",
      "provider/key/status.ts",
      "provider/key/steps/adopt.ts",
      "provider/key/steps/converge.ts",
      "provider/key/steps/update.ts",
      "provider/key/unrecordedKeys.ts",
      "provider/model/description.ts",
      "provider/model/fields.ts",
      "provider/model/properties.ts",
      "provider/service/client.ts",
      "provider/service/wire.ts",
    ],
  },
  // Taking over a key: replaces the resource when it changes.
  adoptKeyId: {
    wire: [],
    files: [
      "provider/errors/providerErrors.ts",
      "provider/key/createdKeyResolver.ts",
      "provider/key/diff.ts",
      "provider/key/steps/adopt.ts",
      "provider/key/steps/create.ts",
      "provider/key/steps/diff.ts",
      "provider/key/unrecordedKeys.ts",
      "provider/model/properties.ts",
    ],
  },
  // Expiry: rotation and retirement move it; -1 = never.
  expiresAt: {
    wire: ["expired_time"],
    files: [
      "plugin/referenceDoc.ts",
      "policy/keyPolicies.ts",
      "policy/keyResourceTypes.ts",
      "provider/key/createdKeyResolver.ts",
      "provider/key/recordMapping.ts",
      "provider/key/retirement.ts",
      "provider/key/rotation.ts",
      "provider/key/status.ts",
      "provider/key/steps/converge.ts",
      "provider/key/steps/create.ts",
      "provider/key/steps/diff.ts",
      "provider/key/steps/retiredKeys.ts",
      "provider/key/steps/update.ts",
      "provider/model/properties.ts",
      "provider/service/client.ts",
      "provider/service/wire.ts",
      "provider/shared/duration.ts",
      "provider/shared/timestamp.ts",
    ],
  },
  // The wish against the server's status (status-only updates, revival).
  enabled: {
    wire: [],
    files: [
      "plugin/sdkDeclarations.ts",
      "provider/key/accountChecks.ts",
      "provider/key/lifecycle.ts",
      "provider/key/recordMapping.ts",
      "provider/key/status.ts",
      "provider/key/steps/converge.ts",
      "provider/key/steps/create.ts",
      "provider/key/steps/update.ts",
      "provider/model/description.ts",
      "provider/model/fields.ts",
      "provider/model/properties.ts",
      "provider/service/client.ts",
    ],
  },
  // The rotation schedule and the grace of replaced keys: their rules, the steps that act on them.
  rotateAfter: {
    wire: [],
    files: [
      "policy/keyPolicies.ts",
      "policy/keyResourceTypes.ts",
      "provider/key/rotation.ts",
      "provider/key/steps/create.ts",
      "provider/key/steps/diff.ts",
      "provider/model/properties.ts",
    ],
  },
  rotateBefore: {
    wire: [],
    files: [
      "policy/keyResourceTypes.ts",
      "provider/key/rotation.ts",
      "provider/model/properties.ts",
      "provider/shared/timestamp.ts",
    ],
  },
  retireAfter: {
    wire: [],
    files: [
      "plugin/packageSchema.ts",
      "plugin/sdkDeclarations.ts",
      "policy/keyPolicies.ts",
      "policy/keyResourceTypes.ts",
      "provider/key/retirement.ts",
      "provider/key/rotation.ts",
      "provider/model/properties.ts",
    ],
  },
};

describe("the files that name a key field", () => {
  const plain = KEY_FIELD_NAMES.filter((name) => !(name in SPECIAL));

  it("has plain fields to count (crossGroupRetry among them)", () => {
    expect(plain).toContain("crossGroupRetry");
  });

  it.each(plain)("%s: named by at most 2 hand-written product files (the description)", (field) => {
    const files = filesNaming([field, ...wireNames(field)]);
    expect(files.length, files.join(", ")).toBeLessThanOrEqual(2);
    expect(files).toContain("provider/model/fields.ts");
  });

  it.each(Object.keys(SPECIAL))("%s: named by exactly the listed files", (field) => {
    const special = SPECIAL[field] as { wire: string[]; files: string[] };
    expect(filesNaming([field, ...special.wire])).toEqual(special.files);
  });
});
