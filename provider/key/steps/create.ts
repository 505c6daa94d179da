/**
 * The create step: a new key with its id resolved (`key/createdKeyResolver.ts`), its rotation
 * schedule and status set, its value revealed; or, with `adoptKeyId` or a key a stopped run left
 * for the resource, that key taken over (`adopt.ts`).
 */
import { assertFieldsHeld } from "../../model/fieldRules.js";
import { type ApiKeyRecord, WireKeyStatus } from "../../service/client.js";
import { toIso } from "../../shared/timestamp.js";
import { checkedInputs } from "../recordedValues.js";
import { createFields, fieldsOf, outputsOf } from "../recordMapping.js";
import { graceOf, recordCreated } from "../retirement.js";
import { rotationScheduleOf } from "../rotation.js";
import { unrecordedKeysFor } from "../unrecordedKeys.js";
import { adopt } from "./adopt.js";
import type { LifecycleContext } from "./context.js";
import { initFailure } from "./initFailure.js";
import { keyValueOf } from "./keyValue.js";

/** How far (seconds) a new rotating key's expiry may sit from `createdAt + rotateAfter` before it is corrected. */
const SCHEDULED_EXPIRY_TOLERANCE_S = 60;

export async function create(
  ctx: LifecycleContext,
  raw: Record<string, unknown>,
): Promise<{ id: string; outs: Record<string, unknown> }> {
  let inputs = checkedInputs(raw, "create key");
  const s = ctx.session();
  // Before anything is written: whose token this is (a wrong user id fails here, not as a stray key).
  const me = await s.caller();
  if (inputs.adoptKeyId !== undefined) {
    return adopt(s, inputs, me.id);
  }
  const schedule = inputs.expiresAt === undefined ? rotationScheduleOf(inputs) : undefined;
  // Reveal batches wait for this create's value, except while the rate limit holds it back;
  // the hold is released once the value was asked for or never will be.
  const hold = s.revealer.expect();
  // A key a stopped run created for this resource (its name) is taken over, not made twice.
  let left: Awaited<ReturnType<typeof unrecordedKeysFor>>;
  try {
    left = await unrecordedKeysFor(s, inputs, ctx.recorded, ctx.warn);
  } catch (error) {
    hold.release();
    throw error;
  }
  if (left.kind === "adopt") {
    hold.release();
    const { record } = left;
    // Its rotation schedule started when the stopped run created it.
    if (schedule) inputs = { ...inputs, expiresAt: toIso(record.createdAt + schedule.rotateAfter) };
    return adopt(s, inputs, me.id, record);
  }
  if (schedule) inputs = { ...inputs, expiresAt: toIso(s.client.serverNow() + schedule.rotateAfter) };
  let record: ApiKeyRecord;
  try {
    record = await s.resolver.createKey(createFields(inputs), {
      onHeldBack: hold.park,
      onSend: hold.resume,
    });
  } catch (error) {
    hold.release();
    throw error;
  }
  try {
    assertFieldsHeld(inputs, record, `create key ${record.id}`);
    // The schedule starts at the server's `createdAt` (the local clock may differ).
    const scheduledEnd = schedule ? record.createdAt + schedule.rotateAfter : undefined;
    if (
      scheduledEnd !== undefined &&
      Math.abs(scheduledEnd - record.expiresAt) > SCHEDULED_EXPIRY_TOLERANCE_S
    ) {
      inputs = { ...inputs, expiresAt: toIso(scheduledEnd) };
      record = await s.client.updateKey(record.id, fieldsOf(inputs, record.remainingQuota), record.status);
    }
    if (!inputs.enabled) {
      record = (await s.client.setKeyStatus(record.id, WireKeyStatus.disabled)) ?? {
        ...record,
        status: WireKeyStatus.disabled,
      };
    }
    const value = keyValueOf(s, record);
    hold.release();
    const key = await value;
    s.snapshot.remember(record);
    // A replacement's delete of the old key (later in this run) retires it when this one has a grace.
    recordCreated(s, inputs.name, record.id, graceOf(inputs));
    return {
      id: String(record.id),
      outs: outputsOf(inputs, record, key, s.settings.baseUrl, s.client.serverNow()),
    };
  } catch (error) {
    hold.release();
    throw initFailure(error, "create", inputs, record, s);
  }
}
