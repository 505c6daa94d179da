/** The check step: the properties against their rules, and in an engine run the connection and the account too. */
import { accountFailures, checkAccountEnabled } from "../accountChecks.js";
import { type AutoNaming, checkInputs } from "../inputs.js";
import { definedOnly } from "../recordMapping.js";
import type { LifecycleContext } from "./context.js";

export async function check(
  ctx: LifecycleContext,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  naming?: AutoNaming,
): Promise<{ inputs: Record<string, unknown>; failures: { property: string; reason: string }[] }> {
  const { inputs, failures } = checkInputs(olds, news, Math.floor(Date.now() / 1000), naming);
  ctx.recorded.resourceInState(olds.name);
  // A preview fails on a configuration mistake as `up` would: the settings here, the token and
  // user id at the first key's check (one request per process, shared with every later step).
  // models and group against what the account may use (key/accountChecks.ts), with every failure.
  if (ctx.engineConfigured) {
    const s = ctx.session();
    await s.caller();
    if (checkAccountEnabled(ctx.checkAccount)) {
      const skip = new Set(failures.map((f) => f.property));
      failures.push(...(await accountFailures(inputs, s.catalog, skip)));
    }
  }
  return { inputs: definedOnly(inputs), failures };
}
