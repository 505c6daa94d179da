/**
 * Errors say who spoke: the server's words are quoted as the server's, the provider's own
 * explanations are not dressed up as CometAPI's, and when retries run out the server's last
 * answer stays in the message. The retry budget is shortened (production: 5 minutes) because
 * these tests are about the words once it runs out, not about how long it lasts.
 */
import { describe, expect, it } from "vitest";
import { HttpStatusError, KeyNotFoundError, RateLimitedError } from "../../../provider/index";
import { useEmulator } from "../../support/emulatorHooks";
import { createKey, outcome, testProvider, updateKey } from "../../support/providerHarness";

const emu = useEmulator({ resetEach: true });

describe("error wording", () => {
  it("keeps the server's last answer when retries of a 5xx run out", async () => {
    const p = testProvider(emu, { http: { retryBudgetMs: 300, retryBaseDelayMs: 10, retryMaxDelayMs: 50 } });
    const key = await createKey(p, { name: "flaky", quota: 1_000 });
    await emu.control.injectFault({
      method: "GET",
      route: "/api/token/:id",
      kind: "status",
      status: 502,
      times: 0,
    });
    const r = await outcome(p.read(key.id, key.outs));
    expect(r.ok).toBe(false);
    const error = (r as { error: Error }).error;
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error.message).toMatch(/HTTP 502: 502 Bad Gateway \(gave up after \d+ attempts/);
  });

  it("explains the reveal limit as new-api's shared critical bucket, without advising --parallel", async () => {
    const p = testProvider(emu, { http: { retryBudgetMs: 300, retryBaseDelayMs: 10, retryMaxDelayMs: 50 } });
    await emu.control.injectFault({
      method: "POST",
      route: "/api/token/:id/key",
      kind: "rate-limit",
      times: 0,
    });
    const r = await outcome(createKey(p, { name: "reveal-me", quota: 1_000 }));
    expect(r.ok).toBe(false);
    const error = (r as { error: Error & { cause?: unknown } }).error;
    expect(error.cause).toBeInstanceOf(RateLimitedError);
    expect(error.message).toMatch(
      /"critical" rate limit: 20 per 20 minutes per IP, shared with console login/,
    );
    expect(error.message).not.toMatch(/--parallel/);
  });

  it("does not attribute the provider's own explanation to CometAPI", async () => {
    const p = testProvider(emu);
    const key = await createKey(p, { name: "vanishing", quota: 1_000 });
    await emu.control.reset();
    const r = await outcome(updateKey(p, key.id, key, { name: "renamed", quota: 1_000 }));
    const error = (r as { error: Error }).error;
    expect(error).toBeInstanceOf(KeyNotFoundError);
    expect((error as KeyNotFoundError).serverMessage).toBe("record not found");
    expect(error.message).toMatch(/no longer exists/);
    expect(error.message).not.toMatch(/CometAPI refused the request/);
  });
});
