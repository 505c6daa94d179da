/**
 * Errors say who spoke: the server's words are quoted as the server's, the provider's own
 * explanations are not dressed up as CometAPI's, and when retries run out the server's last
 * answer stays in the message. The retry budget is shortened (production: 5 minutes) because
 * these tests are about the words once it runs out, not about how long it lasts.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  CometApiClient,
  HttpStatusError,
  KeyInitializationError,
  KeyNotFoundError,
  RateLimitedError,
  RecordNotFoundError,
  resolveConnection,
} from "../../../provider/index";
import { HttpTransport } from "../../../provider/transport/http";
import { useEmulator } from "../../support/emulatorHooks";
import {
  createKey,
  outcome,
  productionProvider,
  testProvider,
  updateKey,
} from "../../support/providerHarness";

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
    expect(error.message).toMatch(/shared "critical" rate limit, which console login, registration and 2FA/);
    expect(error.message).not.toMatch(/--parallel/);
  });

  it("a spent reveal bucket (429 with Retry-After past the budget) ends the create at once, saying how long to wait and naming the key", async () => {
    // Production defaults: a 5-minute retry budget, which a 10-minute Retry-After outlasts.
    const p = productionProvider(emu);
    await emu.control.injectFault({
      method: "POST",
      route: "/api/token/batch/keys",
      kind: "rate-limit",
      retryAfterSeconds: 600,
      times: 0,
    });
    await emu.control.injectFault({
      method: "POST",
      route: "/api/token/:id/key",
      kind: "rate-limit",
      retryAfterSeconds: 600,
      times: 0,
    });
    const r = await outcome(createKey(p, { name: "reveal-later", quota: 1_000 }));
    const [key] = await emu.control.keys();
    const error = (r as { error: Error & { id?: string } }).error;
    expect(error).toBeInstanceOf(KeyInitializationError);
    expect(error.id).toBe(String(key?.id));
    expect(error.message).toContain(`create key ${key?.id}: the key exists`);
    expect(error.message).toMatch(
      /the server asks to wait 10 min \(Retry-After\); wait (9 min \d+ s|10 min) more/,
    );
    expect(error.message).toMatch(/console login/);
    expect(error.message).not.toMatch(/180 per 180|20 per 20/);
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

describe("generic below, specific above", () => {
  it("the transport raises the service's generic RecordNotFoundError; the client's key routes make it a KeyNotFoundError", async () => {
    const connection = resolveConnection(
      { accessToken: emu.accessToken, baseUrl: emu.url, userId: String(emu.userId) },
      {},
    );
    const transport = new HttpTransport(connection);
    const client = new CometApiClient(connection);
    try {
      const generic = await transport
        .call(
          { operation: "read record 987654", method: "GET", path: "/api/token/987654", retry: "idempotent" },
          z.unknown(),
        )
        .catch((error: unknown) => error);
      expect(generic).toBeInstanceOf(RecordNotFoundError);
      expect(generic).not.toBeInstanceOf(KeyNotFoundError);
      const specific = await client.getKey(987654).catch((error: unknown) => error);
      expect(specific).toBeInstanceOf(KeyNotFoundError);
      expect(specific).toBeInstanceOf(RecordNotFoundError);
      expect((specific as KeyNotFoundError).serverMessage).toBe("record not found");
    } finally {
      await transport.close();
      await client.close();
    }
  });
});
