/** The bench's pure logic: flags, the theoretical minimum per phase and the ideal schedule. */
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../bench/args";
import {
  idealSchedule,
  minimumRequests,
  pagesFor,
  permitTime,
  requestRatio,
  requestTarget,
} from "../../bench/minimums";

const LIMITS = { windowSeconds: 180, maxRequests: 180, revealWindowSeconds: 1200, revealMax: 20 };

describe("bench flags", () => {
  it("defaults to all sizes and phases with rate limits on", () => {
    expect(parseArgs([])).toMatchObject({
      sizes: [10, 100, 500],
      latencyMs: 25,
      parallel: 16,
      rateLimits: true,
      phases: ["up", "preview", "refresh", "update", "destroy"],
    });
  });

  it("parses every flag, with or without =", () => {
    const a = parseArgs([
      "--sizes",
      "10,200",
      "--latency=0",
      "--parallel",
      "4",
      "--no-rate-limits",
      "--phases",
      "destroy,up",
    ]);
    expect(a).toMatchObject({
      sizes: [10, 200],
      latencyMs: 0,
      parallel: 4,
      rateLimits: false,
      phases: ["up", "destroy"],
    });
  });

  it("switches to unmasked keys and a shorter phase timeout", () => {
    expect(parseArgs(["--unmasked", "--phase-timeout", "5"])).toMatchObject({
      unmasked: true,
      phaseTimeoutMin: 5,
    });
  });

  it("refuses unknown flags, phases and bad numbers", () => {
    expect(() => parseArgs(["--size", "10"])).toThrow(/unknown flag/);
    expect(() => parseArgs(["--phases", "apply"])).toThrow(/unknown phase/);
    expect(() => parseArgs(["--sizes", "0"])).toThrow(/≥ 1/);
    expect(() => parseArgs(["--latency"])).toThrow(/needs a value/);
  });
});

describe("theoretical minimum", () => {
  it("counts pages of 100", () => {
    expect([0, 1, 100, 101, 500].map(pagesFor)).toEqual([0, 1, 1, 2, 5]);
  });

  it("follows the formulas per phase", () => {
    // One identity request (GET /api/user/self) in every phase that checks, writes or deletes a key.
    expect(minimumRequests("up", 500)).toBe(1 + 500 + 5 + 5);
    expect(minimumRequests("preview", 500)).toBe(1);
    expect(minimumRequests("preview", 0)).toBe(0);
    expect(minimumRequests("refresh", 500)).toBe(5);
    expect(minimumRequests("update", 500)).toBe(506);
    expect(minimumRequests("destroy", 500)).toBe(501);
    expect(requestTarget("refresh", 100)).toBe(3);
    expect(requestTarget("update", 100)).toBeUndefined();
  });

  it("rates requests against it", () => {
    expect(requestRatio(0, 0)).toBe(1);
    expect(requestRatio(1, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(requestRatio(24, 12)).toBe(2);
  });
});

describe("ideal schedule", () => {
  it("is the chained latency when nothing is limited", () => {
    const [up] = idealSchedule(["up"], 10, { latencyMs: 25, parallel: 16 });
    expect(up?.durationMs).toBe(100); // the identity check, creates, then one listing, then one reveal
  });

  it("sends 180 at once, then the next 180 a window later", () => {
    expect(permitTime([0, 1, 2], 3, 1000)).toBe(1000);
    expect(permitTime([0, 1], 3, 1000)).toBe(0);
    const [destroy] = idealSchedule(["destroy"], 500, { latencyMs: 0, parallel: 1000, limits: LIMITS });
    expect(destroy?.durationMs).toBe(360_000);
  });

  it("carries the windows from phase to phase", () => {
    const phases = idealSchedule(["up", "refresh", "destroy"], 100, {
      latencyMs: 0,
      parallel: 1000,
      limits: LIMITS,
    });
    // up: 103 requests at t=0; refresh: 1 more; destroy: 76 of 101 fit, the other 25 wait for t=180 s.
    expect(phases.map((p) => p.durationMs)).toEqual([0, 0, 180_000]);
  });
});
