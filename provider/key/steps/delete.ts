/**
 * The delete step: the caller's own key only; a replaced key with a successor in its grace is
 * retired instead (`retiredKeys.ts`); "record not found" is done, and a lost answer is settled by a read.
 */
import { KeyNotFoundError } from "../../errors/index.js";
import { assertOwnAccount, assertOwnKey, isGone } from "../ownership.js";
import { recordedOutputs } from "../recordedValues.js";
import { graceOf, successorOf } from "../retirement.js";
import type { LifecycleContext } from "./context.js";
import { handOverRetiredKeys, retire } from "./retiredKeys.js";

export async function deleteKey(
  ctx: LifecycleContext,
  id: string,
  props: Record<string, unknown>,
): Promise<void> {
  const s = ctx.session();
  ctx.recorded.held(id, props.name);
  // The resource that adopted this key in this run (a replacement) holds it now.
  if (s.adopted.has(Number(id))) return;
  assertOwnKey((await s.caller()).id, id, recordedOutputs(props).userId, `delete key ${id}`);
  // A replacement whose new key has a grace period: the old key is retired, not deleted.
  const successor = successorOf(s, props.name, Number(id));
  if (successor && (await retire(s, Number(id), successor.keyId, successor.grace))) {
    await handOverRetiredKeys(s, Number(id), successor.keyId);
    return;
  }
  // A destroy: retired keys past their grace go too; those in it expire on their own.
  const retires = Array.isArray(props.retiredKeys) && props.retiredKeys.length > 0;
  if (retires || graceOf(props) !== undefined) await handOverRetiredKeys(s, Number(id), undefined);
  try {
    await s.client.deleteKey(Number(id));
  } catch (error) {
    // Gone already is done; when the answers were lost, a read settles whether it took effect.
    if (!(error instanceof KeyNotFoundError) && !(await isGone(s, Number(id)))) throw error;
    await assertOwnAccount(s, id, recordedOutputs(props), `delete key ${id}`);
  }
  s.snapshot.forget(Number(id));
}
