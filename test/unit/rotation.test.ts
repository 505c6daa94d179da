/**
 * Scheduled rotation as pure functions: duration parsing, input rules (each failure names the
 * field and the rule), when a key is due, and the expiry that follows from the schedule.
 */
import { describe, expect, it } from "vitest";
import { checkInputs, UNKNOWN } from "../../provider/key/inputs";
import {
  defaultRotateBefore,
  rotationReason,
  rotationScheduleOf,
  rotationStatus,
  withScheduledExpiry,
} from "../../provider/key/rotation";
import { formatDuration, parseDuration } from "../../provider/shared/duration";
import { toIso } from "../../provider/shared/timestamp";

const DAY = 86_400;
/** 2026-11-01T00:00:00Z */
const CREATED = 1_793_491_200;

const SCHEDULE = ["rotateAfter", "rotateBefore"];

/** `check` of a key with `news`: the schedule it stores, and every failure. */
function check(news: Record<string, unknown>) {
  const { inputs, failures } = checkInputs({}, { name: "k", quota: 1, ...news }, CREATED);
  return {
    out: Object.fromEntries(SCHEDULE.filter((p) => p in inputs).map((p) => [p, inputs[p]])),
    failures,
  };
}

describe("parseDuration", () => {
  it.each([
    ["30d", 30 * DAY],
    ["720h", 30 * DAY],
    ["1d12h", 36 * 3_600],
    ["2w", 14 * DAY],
    ["90m", 5_400],
    ["3600s", 3_600],
    [" 7d ", 7 * DAY],
    ["1w2d3h4m5s", 7 * DAY + 2 * DAY + 3 * 3_600 + 4 * 60 + 5],
  ])("%s = %i seconds", (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each([
    ["30", /is not a duration/],
    ["30 d", /is not a duration/],
    ["30x", /unknown unit "x"/],
    ["1.5d", /is not a duration/],
    ["-1d", /is not a duration/],
    ["12h1d", /largest down/],
    ["1d1d", /largest down/],
    ["0d", /is zero/],
    ["", /must not be empty/],
    ["36700d", /more than 100 years/],
  ])("refuses %j (%s)", (text, reason) => {
    const result = parseDuration(text);
    expect(typeof result).toBe("string");
    expect(result).toMatch(reason);
  });

  it("refuses a number and says to add a unit", () => {
    expect(parseDuration(30)).toMatch(/the number 30 \(add a unit\)/);
  });

  it("formatDuration is the inverse for whole units", () => {
    for (const s of [3_600, 30 * DAY, 36 * 3_600, 5_400, 61])
      expect(parseDuration(formatDuration(s))).toBe(s);
    expect(formatDuration(30 * DAY)).toBe("30d");
    expect(formatDuration(36 * 3_600)).toBe("1d12h");
  });
});

describe("checkRotationInputs", () => {
  it("keeps valid inputs, trimmed", () => {
    expect(check({ rotateAfter: " 30d ", rotateBefore: "2d" })).toEqual({
      out: { rotateAfter: "30d", rotateBefore: "2d" },
      failures: [],
    });
    expect(check({ rotateAfter: "30d", rotateBefore: "0s" }).failures).toEqual([]);
    expect(check({})).toEqual({ out: {}, failures: [] });
  });

  it("names the field and the rule in every failure", () => {
    expect(check({ rotateAfter: "30" }).failures).toEqual([
      { property: "rotateAfter", reason: expect.stringMatching(/"30" is not a duration.*e\.g\. "30d"/) },
    ]);
    expect(check({ rotateAfter: "30m" }).failures).toEqual([
      {
        property: "rotateAfter",
        reason: expect.stringMatching(/shorter than 1h, the shortest rotation period/),
      },
    ]);
    expect(check({ rotateBefore: "1d" }).failures).toEqual([
      { property: "rotateBefore", reason: expect.stringMatching(/only works with rotateAfter/) },
    ]);
    expect(check({ rotateAfter: "7d", rotateBefore: "7d" }).failures).toEqual([
      {
        property: "rotateBefore",
        reason: expect.stringMatching(/"7d" must be shorter than rotateAfter \("7d"\)/),
      },
    ]);
    expect(check({ rotateAfter: "7d", rotateBefore: "soon" }).failures).toEqual([
      { property: "rotateBefore", reason: expect.stringMatching(/"soon" is not a duration/) },
    ]);
    expect(check({ rotateAfter: "7d", adoptKeyId: 4 }).failures).toEqual([
      { property: "rotateAfter", reason: expect.stringMatching(/cannot be combined with adoptKeyId/) },
    ]);
  });

  it("passes unknown values through during a preview", () => {
    expect(check({ rotateAfter: UNKNOWN, rotateBefore: UNKNOWN })).toEqual({
      out: { rotateAfter: UNKNOWN, rotateBefore: UNKNOWN },
      failures: [],
    });
    expect(rotationScheduleOf({ rotateAfter: UNKNOWN })).toBeUndefined();
  });
});

describe("the schedule", () => {
  it("defaults the early-rotation window to a tenth of the lifetime", () => {
    expect(defaultRotateBefore(30 * DAY)).toBe(3 * DAY);
    expect(rotationScheduleOf({ rotateAfter: "30d" })).toEqual({
      rotateAfter: 30 * DAY,
      rotateBefore: 3 * DAY,
    });
    expect(rotationScheduleOf({ rotateAfter: "30d", rotateBefore: "0s" })).toEqual({
      rotateAfter: 30 * DAY,
      rotateBefore: 0,
    });
    expect(rotationScheduleOf({})).toBeUndefined();
  });

  it("is due from createdAt + rotateAfter − rotateBefore on, not a second earlier", () => {
    const schedule = { rotateAfter: 30 * DAY, rotateBefore: 2 * DAY };
    const dueAt = CREATED + 28 * DAY;
    expect(rotationStatus(schedule, CREATED, dueAt - 1)).toEqual({
      dueAt,
      endsAt: CREATED + 30 * DAY,
      due: false,
    });
    expect(rotationStatus(schedule, CREATED, dueAt).due).toBe(true);
    expect(rotationStatus(schedule, CREATED, CREATED + 400 * DAY).due).toBe(true);
    // The replacement's own creation resets the clock.
    expect(rotationStatus(schedule, dueAt, dueAt + 1).due).toBe(false);
  });

  it("says why it replaces", () => {
    const schedule = { rotateAfter: 30 * DAY, rotateBefore: 2 * DAY };
    expect(rotationReason("api", schedule, CREATED, CREATED + 29 * DAY)).toBe(
      'rotation due for key "api": created 2026-11-01T00:00:00Z, rotateAfter 30d, rotateBefore 2d: ' +
        "due since 2026-11-29T00:00:00Z (server time 2026-11-30T00:00:00Z); replacing it with a new key " +
        "(created first, the old one deleted at the end of the update)",
    );
  });
});

/** withScheduledExpiry, typed loosely like the engine's property bags. */
function scheduled(old: Record<string, unknown>, news: Record<string, unknown>): Record<string, unknown> {
  return withScheduledExpiry(old, news);
}

describe("withScheduledExpiry", () => {
  const old = { createdAt: toIso(CREATED), expiresAt: toIso(CREATED + 30 * DAY), rotateAfter: "30d" };

  it("keeps the old expiry while the lifetime stays the same (also written differently)", () => {
    expect(scheduled(old, { rotateAfter: "30d" }).expiresAt).toBe(old.expiresAt);
    expect(scheduled(old, { rotateAfter: "720h" }).expiresAt).toBe(old.expiresAt);
  });

  it("moves the expiry with a new lifetime, from the creation time", () => {
    expect(scheduled(old, { rotateAfter: "60d" }).expiresAt).toBe(toIso(CREATED + 60 * DAY));
    expect(scheduled({ createdAt: toIso(CREATED) }, { rotateAfter: "7d" }).expiresAt).toBe(
      toIso(CREATED + 7 * DAY),
    );
  });

  it("leaves an explicit expiresAt, a key that does not rotate, and a key not created yet alone", () => {
    const explicit = { rotateAfter: "60d", expiresAt: "2027-06-01T00:00:00Z" };
    expect(withScheduledExpiry(old, explicit)).toBe(explicit);
    const plain = { quota: 5 };
    expect(withScheduledExpiry(old, plain)).toBe(plain);
    expect(scheduled({}, { rotateAfter: "7d" }).expiresAt).toBeUndefined();
  });
});
