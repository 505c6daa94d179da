/**
 * Scheduled rotation: when a key is due for replacement, and the expiry that follows from its
 * schedule. Pure functions over unix seconds; the provider supplies the server's clock and the
 * key's `createdAt` as the server reports it.
 *
 * A key with `rotateAfter: "30d"` lives 30 days: unless `expiresAt` is set, it expires 30 days
 * after it was created. It is due for rotation `rotateBefore` earlier (default: a tenth of
 * `rotateAfter`, so 3 days for 30d): the first `pulumi preview` or `pulumi up` that runs at or
 * after that moment (by the server's clock) replaces it. The replacement is a new key with a new
 * creation time, so the next run is not due again.
 */

import { parseRotateBefore } from "../model/properties.js";
import { formatDuration, parseDuration } from "../shared/duration.js";
import { parseExpiry, toIso } from "../shared/timestamp.js";
import { isUnknown } from "./inputs.js";

/** A validated schedule, in seconds. */
export interface RotationSchedule {
  rotateAfter: number;
  rotateBefore: number;
}

/** Where a rotating key stands at `now`. */
export interface RotationStatus {
  /** When it becomes due: `createdAt + rotateAfter − rotateBefore`. */
  dueAt: number;
  /** When its schedule ends: `createdAt + rotateAfter` (its expiry unless `expiresAt` is set). */
  endsAt: number;
  due: boolean;
}

/** The default early-rotation window: a tenth of `rotateAfter`, in whole seconds. */
export function defaultRotateBefore(rotateAfterSeconds: number): number {
  return Math.floor(rotateAfterSeconds / 10);
}

/** The schedule of validated inputs, or undefined when the key does not rotate (or it is not known yet). */
export function rotationScheduleOf(inputs: {
  rotateAfter?: unknown;
  rotateBefore?: unknown;
}): RotationSchedule | undefined {
  if (typeof inputs.rotateAfter !== "string" || isUnknown(inputs.rotateAfter)) return undefined;
  const rotateAfter = parseDuration(inputs.rotateAfter);
  if (typeof rotateAfter !== "number") return undefined;
  if (inputs.rotateBefore === undefined || inputs.rotateBefore === null) {
    return { rotateAfter, rotateBefore: defaultRotateBefore(rotateAfter) };
  }
  if (typeof inputs.rotateBefore !== "string" || isUnknown(inputs.rotateBefore)) return undefined;
  const rotateBefore = parseRotateBefore(inputs.rotateBefore);
  return typeof rotateBefore === "number" ? { rotateAfter, rotateBefore } : undefined;
}

/** Where a key created at `createdAt` stands at `now` (unix seconds, the server's clock). */
export function rotationStatus(schedule: RotationSchedule, createdAt: number, now: number): RotationStatus {
  const endsAt = createdAt + schedule.rotateAfter;
  const dueAt = endsAt - schedule.rotateBefore;
  return { dueAt, endsAt, due: now >= dueAt };
}

/**
 * Why a key is replaced, for the preview: e.g. `rotation due: created 2026-11-01T00:00:00Z,
 * rotateAfter 30d, rotateBefore 3d: due since 2026-11-28T00:00:00Z (server time …)`.
 */
export function rotationReason(
  keyName: string,
  schedule: RotationSchedule,
  createdAt: number,
  now: number,
  graceSeconds?: number,
): string {
  const { dueAt } = rotationStatus(schedule, createdAt, now);
  const old =
    graceSeconds === undefined
      ? "the old one deleted at the end of the update"
      : `the old one retired at the end of the update: it keeps working for retireAfter ${formatDuration(graceSeconds)}`;
  return (
    `rotation due for key "${keyName}": created ${toIso(createdAt)}, rotateAfter ${formatDuration(schedule.rotateAfter)}, ` +
    `rotateBefore ${formatDuration(schedule.rotateBefore)}: due since ${toIso(dueAt)} (server time ${toIso(now)}); ` +
    `replacing it with a new key (created first, ${old})`
  );
}

/**
 * New inputs with `expiresAt` filled in from the rotation schedule when it is not set: the old
 * expiry while `rotateAfter` keeps its length, else the key's creation time plus the new
 * `rotateAfter`. `old` holds the previous outputs (`createdAt`, `expiresAt`, `rotateAfter`).
 * Unchanged when the key does not rotate, sets `expiresAt`, or its creation time is not known.
 */
export function withScheduledExpiry<T extends Record<string, unknown>>(
  old: Record<string, unknown>,
  news: T,
): T {
  if (news.expiresAt !== undefined && news.expiresAt !== null) return news;
  const schedule = rotationScheduleOf(news);
  if (!schedule) return news;
  const oldSchedule = rotationScheduleOf(old);
  if (oldSchedule?.rotateAfter === schedule.rotateAfter && typeof old.expiresAt === "string") {
    return { ...news, expiresAt: old.expiresAt };
  }
  const createdAt = typeof old.createdAt === "string" ? parseExpiry(old.createdAt) : undefined;
  if (typeof createdAt !== "number") return news;
  return { ...news, expiresAt: toIso(createdAt + schedule.rotateAfter) };
}
