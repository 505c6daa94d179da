/**
 * Writes `schema.json` (the package schema the plugin serves) next to `package.json`, and
 * `docs/reference.md` (the same description for people): `npm run schema`. Both files are
 * committed; test/unit/apiKeyDescription.test.ts fails when either differs from what the
 * description produces.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { packageSchema } from "./packageSchema.js";
import { referenceMarkdown } from "./referenceDoc.js";

const root = path.join(__dirname, "..", "..");
const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
writeFileSync(path.join(root, "schema.json"), `${JSON.stringify(packageSchema(version), null, 2)}\n`);
mkdirSync(path.join(root, "docs"), { recursive: true });
writeFileSync(path.join(root, "docs", "reference.md"), referenceMarkdown());
