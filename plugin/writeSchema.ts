/**
 * Writes the files the description produces: `schema.json` (the package schema the plugin serves)
 * next to `package.json`, `docs/reference.md` (the same description for people) and
 * `sdk/cometApiKeyTypes.ts` (the TypeScript SDK's declarations): `npm run schema`. All are
 * committed; with `--check` nothing is written and the exit status is 1 when a committed file
 * differs (test/unit/apiKeyDescription.test.ts checks the same).
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { packageSchema } from "./packageSchema.js";
import { referenceMarkdown } from "./referenceDoc.js";
import { sdkDeclarationsSource } from "./sdkDeclarations.js";

const root = path.join(__dirname, "..", "..");
const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
const files: [string, string][] = [
  ["schema.json", `${JSON.stringify(packageSchema(version), null, 2)}\n`],
  [path.join("docs", "reference.md"), referenceMarkdown()],
  [path.join("sdk", "cometApiKeyTypes.ts"), sdkDeclarationsSource()],
];
if (process.argv.includes("--check")) {
  const stale = files.filter(([file, text]) => readFileSync(path.join(root, file), "utf8") !== text);
  for (const [file] of stale) console.error(`${file} differs from the description: run npm run schema`);
  process.exitCode = stale.length > 0 ? 1 : 0;
} else {
  for (const [file, text] of files) writeFileSync(path.join(root, file), text);
}
