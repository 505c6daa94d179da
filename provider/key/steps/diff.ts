/**
 * The diff step: what changed (key/diff.ts), what forces a replacement (a due rotation, another
 * key to adopt), and whether the keys this one retired need the update.
 */
import { adoptsAnotherKey, changedProperties } from "../diff.js";
import { graceOf } from "../retirement.js";
import { rotationReason, rotationScheduleOf, rotationStatus, withScheduledExpiry } from "../rotation.js";
import type { LifecycleContext } from "./context.js";
import { retiredKeysChanged } from "./retiredKeys.js";

/** `diff` with the properties that differ (`diffs`), for the native plugin's detailed diff. */
export async function detailedDiff(
  ctx: LifecycleContext,
  id: string,
  olds: Record<string, unknown>,
  rawNews: Record<string, unknown>,
): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean; diffs: string[] }> {
  // A rotating key without expiresAt expires on its schedule: compare against that expiry.
  const news = withScheduledExpiry(olds, rawNews);
  ctx.recorded.held(id, olds.name);
  const changes = changedProperties(olds, news);
  const replaces: string[] = [];
  const rotation = await dueRotation(ctx, id, olds, news);
  if (rotation !== undefined) {
    replaces.push("rotateAfter");
    // The engine shows a plugin's stderr in the preview: this is the "why" of the replacement.
    console.error(rotation);
  }
  if (adoptsAnotherKey(olds, news)) replaces.push("adoptKeyId");
  // Keys this one replaced, in their grace or past it: the update lists or deletes them.
  if (await retiredKeysChanged(ctx, id, olds, news)) changes.push("retiredKeys");
  return {
    changes: changes.length > 0 || replaces.length > 0,
    replaces,
    deleteBeforeReplace: false,
    diffs: [...changes, ...replaces],
  };
}

/**
 * Why key `id` must be replaced now by its rotation schedule, or undefined. Reads the key's
 * `createdAt` and the server's clock (its `Date` header) from the shared listing, so one
 * request serves every rotating key of a run; keys without a schedule cost no request.
 */
async function dueRotation(
  ctx: LifecycleContext,
  id: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<string | undefined> {
  const schedule = rotationScheduleOf(news);
  if (!schedule) return undefined;
  const s = ctx.session();
  const live = await s.snapshot.find(Number(id));
  if (!live) return undefined; // gone: the update says so; nothing to rotate
  const now = s.client.serverNow();
  if (!rotationStatus(schedule, live.createdAt, now).due) return undefined;
  return rotationReason(String(news.name ?? olds.name ?? id), schedule, live.createdAt, now, graceOf(news));
}
