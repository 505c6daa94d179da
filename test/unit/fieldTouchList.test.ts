/**
 * How many hand-written product files name each key field (issue 22): a plain field, described
 * once in `provider/keyFields.ts`, is named by at most 2 such files (in fact only there); the
 * properties with lifecycle rules of their own (and the plain fields that policies or the account
 * checks single out) are named by exactly the files listed here, so any growth fails.
 *
 * Product files: the TypeScript under provider/, plugin/, sdk/, policy/ and engine/, without the
 * generated `sdk/cometApiKeyTypes.ts` (the emulator, tests, docs and sdks/ are not product code).
 * A file names a field when it holds the property's name or one of its wire names as a word.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { KEY_FIELD_NAMES } from "../../provider/keyFieldRules";
import { KEY_FIELDS } from "../../provider/keyFields";

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
      "plugin/packageSchema.ts",
      "policy/keyPolicies.ts",
      "policy/keyResourceTypes.ts",
      "provider/accountCatalog.ts",
      "provider/accountChecks.ts",
      "provider/accountLookups.ts",
      "provider/apiKeyDescription.ts",
      "provider/client.ts",
      "provider/cometApiKeyProvider.ts",
      "provider/keyDiff.ts",
      "provider/keyFields.ts",
      "provider/session.ts",
      "provider/wire.ts",
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
      "provider/keyFields.ts",
      "sdk/cometApiKey.ts",
    ],
  },
  // The account check; `group` is also the account's group and getModels' argument.
  group: {
    wire: wireNames("group"),
    files: [
      "plugin/functions.ts",
      "plugin/packageSchema.ts",
      "plugin/referenceDoc.ts",
      "provider/accountCatalog.ts",
      "provider/accountChecks.ts",
      "provider/accountLookups.ts",
      "provider/apiKeyDescription.ts",
      "provider/client.ts",
      "provider/cometApiKeyProvider.ts",
      "provider/createdKeyResolver.ts",
      "provider/ip.ts",
      "provider/keyFieldRules.ts",
      "provider/keyFields.ts",
      "provider/keySnapshot.ts",
      "provider/wire.ts",
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
      "provider/accountLookups.ts",
      "provider/apiKeyDescription.ts",
      "provider/client.ts",
      "provider/cometApiKeyProvider.ts",
      "provider/createdKeyResolver.ts",
      "provider/inputs.ts",
      "provider/keyFields.ts",
      "provider/keyRecordMapping.ts",
      "provider/keySnapshot.ts",
      "provider/wire.ts",
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
      "provider/apiKeyDescription.ts",
      "provider/client.ts",
      "provider/cometApiKeyProvider.ts",
      "provider/createdKeyResolver.ts",
      "provider/inputs.ts",
      "provider/keyDiff.ts",
      "provider/keyFields.ts",
      "provider/keyLookups.ts",
      "provider/keyRecordMapping.ts",
      "provider/keyStatus.ts",
      "provider/wire.ts",
    ],
  },
  // Taking over a key: replaces the resource when it changes.
  adoptKeyId: {
    wire: [],
    files: [
      "provider/apiKeyDescription.ts",
      "provider/cometApiKeyProvider.ts",
      "provider/createdKeyResolver.ts",
      "provider/inputs.ts",
      "provider/keyDiff.ts",
      "provider/keyFields.ts",
      "provider/keyRecordMapping.ts",
      "provider/providerErrors.ts",
      "provider/rotation.ts",
    ],
  },
  // Expiry: rotation and retirement move it; -1 = never.
  expiresAt: {
    wire: ["expired_time"],
    files: [
      "plugin/referenceDoc.ts",
      "policy/keyPolicies.ts",
      "policy/keyResourceTypes.ts",
      "provider/apiKeyDescription.ts",
      "provider/client.ts",
      "provider/cometApiKeyProvider.ts",
      "provider/duration.ts",
      "provider/inputs.ts",
      "provider/keyDiff.ts",
      "provider/keyFields.ts",
      "provider/keyLookups.ts",
      "provider/keyRecordMapping.ts",
      "provider/retirement.ts",
      "provider/rotation.ts",
      "provider/wire.ts",
    ],
  },
  // The wish against the server's status (status-only updates, revival).
  enabled: {
    wire: [],
    files: [
      "plugin/sdkDeclarations.ts",
      "provider/accountChecks.ts",
      "provider/apiKeyDescription.ts",
      "provider/client.ts",
      "provider/cometApiKeyProvider.ts",
      "provider/inputs.ts",
      "provider/keyDiff.ts",
      "provider/keyFields.ts",
      "provider/keyRecordMapping.ts",
      "provider/keyStatus.ts",
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
    expect(files).toContain("provider/keyFields.ts");
  });

  it.each(Object.keys(SPECIAL))("%s: named by exactly the listed files", (field) => {
    const special = SPECIAL[field] as { wire: string[]; files: string[] };
    expect(filesNaming([field, ...special.wire])).toEqual(special.files);
  });
});
