/**
 * The one description of the resource (`provider/model/description.ts`) against everything that
 * must agree with it: the inputs `check` accepts, the committed `schema.json`, `docs/reference.md`
 * and the TypeScript SDK's declarations (`sdk/cometApiKeyTypes.ts`: `CometApiKeyArgs` /
 * `CometApiKeyOutputs` members and their JSDoc, the property lists), and `check`'s type rules.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { packageSchema } from "../../plugin/packageSchema";
import { referenceMarkdown } from "../../plugin/referenceDoc";
import { sdkDeclarationsSource } from "../../plugin/sdkDeclarations";
import { checkInputs } from "../../provider/key/inputs";
import { createCometApiKeyProvider } from "../../provider/key/lifecycle";
import { API_KEY_INPUT_NAMES, API_KEY_PROPERTIES, API_KEY_TOKEN } from "../../provider/model/description";

const root = path.resolve(__dirname, "../..");
const sdkFile = path.join(root, "sdk", "cometApiKeyTypes.ts");
const source = ts.createSourceFile(sdkFile, readFileSync(sdkFile, "utf8"), ts.ScriptTarget.ES2022, true);

/** JSDoc text of a node without its tags, white space collapsed. */
function docOf(node: ts.Node): string | undefined {
  const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc;
  const comment = docs?.at(-1)?.comment;
  const text = typeof comment === "string" ? comment : comment?.map((c) => c.text).join("");
  return text?.replace(/\s+/g, " ").trim();
}

function find<T extends ts.Node>(predicate: (node: ts.Node) => node is T): T {
  let found: T | undefined;
  const visit = (node: ts.Node) => {
    if (!found && predicate(node)) found = node;
    else ts.forEachChild(node, visit);
  };
  visit(source);
  if (!found) throw new Error("not found in sdk/cometApiKeyTypes.ts");
  return found;
}

const args = find(
  (n): n is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(n) && n.name.text === "CometApiKeyArgs",
);
const resource = find(
  (n): n is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(n) && n.name.text === "CometApiKeyOutputs",
);
/** The elements of the `as const` name list `name`. */
const nameList = (name: string) =>
  (
    find(
      (n): n is ts.VariableDeclaration =>
        ts.isVariableDeclaration(n) && (n.name as ts.Identifier).text === name,
    ).initializer as ts.AsExpression
  ).expression
    .getChildren(source)
    .flatMap((c) => c.getChildren(source))
    .filter(ts.isStringLiteral)
    .map((l) => l.text);
const members = (nodes: readonly ts.Node[]) =>
  new Map(
    nodes
      .filter(
        (m): m is ts.PropertySignature | ts.PropertyDeclaration =>
          ts.isPropertySignature(m) || ts.isPropertyDeclaration(m),
      )
      .map((m) => [(m.name as ts.Identifier).text, docOf(m)]),
  );

describe("the description of ApiKey", () => {
  it("has the inputs check accepts, and check names them in order when it refuses another", () => {
    const unknown = (news: Record<string, unknown>) =>
      checkInputs({}, { name: "k", unlimitedQuota: true, ...news }, 0).failures.filter((f) =>
        f.reason.startsWith("is not a property"),
      );
    for (const name of API_KEY_INPUT_NAMES) expect(unknown({ [name]: null })).toEqual([]);
    expect(unknown({ keyId: 1 })).toEqual([
      {
        property: "keyId",
        reason: `is not a property of CometApiKey; expected one of: ${API_KEY_INPUT_NAMES.join(", ")}`,
      },
    ]);
  });

  it("is what the committed schema.json says (regenerate: npm run schema)", () => {
    const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
      version: string;
    };
    const committed = JSON.parse(readFileSync(path.join(root, "schema.json"), "utf8"));
    expect(committed).toEqual(packageSchema(version));
    expect(Object.keys(committed.resources[API_KEY_TOKEN].inputProperties)).toEqual(API_KEY_INPUT_NAMES);
  });

  it("is what the committed docs/reference.md says (regenerate: npm run schema)", () => {
    expect(readFileSync(path.join(root, "docs", "reference.md"), "utf8")).toBe(referenceMarkdown());
  });

  it("is what the committed sdk/cometApiKeyTypes.ts declares (regenerate: npm run schema)", () => {
    expect(readFileSync(sdkFile, "utf8")).toBe(sdkDeclarationsSource());
  });

  it("has the TypeScript SDK's CometApiKeyArgs members with the same words as their JSDoc", () => {
    const declared = members(args.members);
    expect([...declared.keys()]).toEqual(API_KEY_INPUT_NAMES);
    for (const p of API_KEY_PROPERTIES.filter((x) => x.inputDoc !== undefined)) {
      expect(declared.get(p.name), p.name).toBe(p.inputDoc);
    }
  });

  it("has the TypeScript SDK's CometApiKeyOutputs with the same words as their JSDoc", () => {
    const declared = members(resource.members);
    expect([...declared.keys()]).toEqual(API_KEY_PROPERTIES.map((p) => p.name));
    for (const p of API_KEY_PROPERTIES) expect(declared.get(p.name), p.name).toBe(p.outputDoc);
  });

  it("lists every property in the dynamic provider's props (outputs exist only for keys present)", () => {
    expect(nameList("COMET_API_KEY_INPUTS")).toEqual(API_KEY_INPUT_NAMES);
    expect([...nameList("COMET_API_KEY_INPUTS"), ...nameList("COMET_API_KEY_COMPUTED")]).toEqual(
      API_KEY_PROPERTIES.map((p) => p.name),
    );
  });

  it("check rejects a value of the wrong type for every input, naming the input", async () => {
    const wrong = {
      string: 42,
      integer: "many",
      number: "many",
      boolean: "yes",
      "string[]": "a,b",
      "retiredKey[]": "x",
    } as const;
    for (const p of API_KEY_PROPERTIES.filter((x) => x.inputDoc !== undefined)) {
      const news = { name: "typed", quota: 1, [p.name]: wrong[p.type] };
      const { failures } = await createCometApiKeyProvider().check({}, news);
      expect(
        failures.map((f) => f.property),
        p.name,
      ).toContain(p.name);
    }
  });

  it("gives the TypeScript SDK's members the types the description says", () => {
    const base = {
      string: "string",
      integer: "number",
      number: "number",
      boolean: "boolean",
      "string[]": "string[]",
      "retiredKey[]": "RetiredKey[]",
    };
    // Where the TypeScript SDK is deliberately richer than the schema (stated here, not hidden).
    const inputOverride: Record<string, string> = { expiresAt: "pulumi.Input<string | number>" };
    const outputOverride: Record<string, string> = {
      status: "pulumi.Output<KeyStatus>",
      key: "pulumi.Output<string>",
    };
    const typeText = (nodes: readonly ts.Node[]) =>
      new Map(
        nodes
          .filter(
            (m): m is ts.PropertySignature | ts.PropertyDeclaration =>
              ts.isPropertySignature(m) || ts.isPropertyDeclaration(m),
          )
          .map((m) => [(m.name as ts.Identifier).text, m.type?.getText(source)]),
      );
    const inputs = typeText(args.members);
    const outputs = typeText(resource.members);
    for (const p of API_KEY_PROPERTIES) {
      if (p.inputDoc !== undefined) {
        const expected =
          p.type === "string[]" ? "pulumi.Input<pulumi.Input<string>[]>" : `pulumi.Input<${base[p.type]}>`;
        expect(inputs.get(p.name), `input ${p.name}`).toBe(inputOverride[p.name] ?? expected);
      }
      const t = base[p.type];
      expect(outputs.get(p.name), `output ${p.name}`).toBe(
        outputOverride[p.name] ?? `pulumi.Output<${p.alwaysOutput ? t : `${t} | undefined`}>`,
      );
    }
  });
});
