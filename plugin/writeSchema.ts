/**
 * Writes `schema.json` (the package schema the plugin serves) next to `package.json`:
 * `npm run schema`. The file is committed; test/unit/apiKeyDescription.test.ts fails when it
 * differs from what the description produces.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { packageSchema } from "./packageSchema.js";

const root = path.join(__dirname, "..", "..");
const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
writeFileSync(path.join(root, "schema.json"), `${JSON.stringify(packageSchema(version), null, 2)}\n`);
