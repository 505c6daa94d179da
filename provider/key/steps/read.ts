/**
 * The read step (refresh and import): the live record from the shared listing; a recorded key is
 * dropped only on its owner's word, an import claims only the caller's own key.
 */

import { assertOwnAccount, assertOwnKey } from "../ownership.js";
import { recordedOutputs } from "../recordedValues.js";
import { definedOnly, isMasked, limitedRemain, outputsOf, refreshedInputs } from "../recordMapping.js";
import type { LifecycleContext } from "./context.js";
import { keyValueOf } from "./keyValue.js";

export async function read(
  ctx: LifecycleContext,
  id: string,
  props: Record<string, unknown> = {},
): Promise<{ id: string; props?: Record<string, unknown>; inputs?: Record<string, unknown> }> {
  const s = ctx.session();
  const record = await s.snapshot.find(Number(id));
  const old = recordedOutputs(props);
  ctx.recorded.held(id, old.name);
  // No prior state (`pulumi import`, or a read of an existing key): the live remainder is the
  // allotment, and the value is revealed once (a secret output).
  const imported = old.keyId === undefined && old.name === undefined;
  if (!record) {
    // Nothing in the stack to drop for an import; a recorded key is gone only on its owner's word.
    if (!imported) await assertOwnAccount(s, id, old, `read key ${id}`);
    return { id: "" };
  }
  // An import claims the key: only the caller's own (a root token may see every user's).
  if (imported) assertOwnKey((await s.caller()).id, id, record.userId, `import key ${id}`);
  const inputs = refreshedInputs(imported ? { quota: limitedRemain(record) } : old, record);
  const key =
    typeof old.key === "string"
      ? old.key
      : !isMasked(record.key)
        ? `sk-${record.key}`
        : imported
          ? await keyValueOf(s, record)
          : undefined;
  const outs = outputsOf(inputs, record, key, s.settings.baseUrl, s.client.serverNow(), old);
  // A refresh reads, it does not write: the sum of the provider's last write stays the reference.
  if (!imported) outs.__allottedTotal = old.__allottedTotal;
  if (old.retiredKeys !== undefined) outs.retiredKeys = old.retiredKeys;
  return { id, props: definedOnly(outs), inputs: definedOnly({ ...inputs }) };
}
