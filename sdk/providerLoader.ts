/**
 * The object handed to Pulumi as the dynamic provider. Pulumi serializes it into the state of
 * every key, and refresh and destroy run that stored copy; so it is a thin loader that requires
 * the installed `pulumi-cometapi/provider` at call time. State stays small (a few hundred bytes),
 * and upgrading the package changes what refresh and destroy do too.
 *
 * The implementation is looked up from the program's folder (the provider process's working
 * directory) first, then from where the SDK was installed when the program ran. Only "not
 * installed there" moves on to the next place; any other load failure (e.g. too old a Node.js)
 * is the answer and is thrown as it is. No comments inside the functions: their text is stored.
 */
import type * as pulumi from "@pulumi/pulumi";

/** Captured by value when the provider is serialized. */
const installedAt = __dirname;

function load(): pulumi.dynamic.ResourceProvider {
  const { createRequire } = require("node:module") as typeof import("node:module");
  const failures: string[] = [];
  for (const base of [`${process.cwd()}/`, `${installedAt}/`]) {
    try {
      return createRequire(base)("pulumi-cometapi/provider").cometApiKeyProvider;
    } catch (error) {
      if ((error as { code?: string }).code !== "MODULE_NOT_FOUND") throw error;
      failures.push(`from ${base}: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  throw new Error(
    `pulumi-cometapi: cannot load "pulumi-cometapi/provider" (is the package installed?) ${failures.join("; ")}`,
  );
}

export const cometApiKeyProviderLoader: pulumi.dynamic.ResourceProvider = {
  configure: (req) => load().configure?.(req) ?? Promise.resolve(),
  check: (olds, news) => load().check?.(olds, news) ?? Promise.resolve({ inputs: news }),
  diff: (id, olds, news) => load().diff?.(id, olds, news) ?? Promise.resolve({}),
  create: (inputs) => load().create(inputs),
  read: (id, props) => load().read?.(id, props) ?? Promise.resolve({ id, props }),
  update: (id, olds, news) => load().update?.(id, olds, news) ?? Promise.resolve({ outs: news }),
  delete: (id, props) => load().delete?.(id, props) ?? Promise.resolve(),
};
