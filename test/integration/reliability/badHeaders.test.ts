/**
 * Bad config fails fast (issue 21, case 5): a token or user id that an HTTP header cannot carry is
 * refused with an error naming the setting (never the value), and no request error can exhaust the
 * connection pool: requests after it still go out, and every request honours its timeout.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { CometApiError, ConfigurationError, NetworkError } from "../../../provider/errors";
import { resolveConnection } from "../../../provider/service/connection";
import { HttpTransport } from "../../../provider/transport/http";
import { useEmulator } from "../../support/emulatorHooks";

const emu = useEmulator();
const TOKEN_PART = "tok-SECRET-7f3e";

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error, got none");
}

describe("settings a header cannot carry", () => {
  it.each([
    ["a line break", `${TOKEN_PART}\nX-Injected: 1`],
    ["a carriage return", `${TOKEN_PART}\r`.padEnd(20, "x")],
    ["a NUL byte", `${TOKEN_PART}\u0000x`],
    ["a non-ASCII character", `${TOKEN_PART}é`],
  ])("refuses a token with %s, naming the setting and not the token", (_what, token) => {
    const error = errorOf(() => resolveConnection({ accessToken: token }, {}));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(/cometapi:accessToken \(COMETAPI_ACCESS_TOKEN\).*header/);
    expect(error.message).not.toContain(TOKEN_PART);
  });

  it("refuses a user id with a line break inside, naming the setting", () => {
    const error = errorOf(() => resolveConnection({ accessToken: "t", userId: "1\n2" }, {}));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(/cometapi:userId/);
  });
});

describe("the HTTP layer with a header value undici refuses", () => {
  it("fails each request at once without retrying, and the pool keeps working", async () => {
    const bad = new HttpTransport(
      { baseUrl: emu.url, accessToken: `${TOKEN_PART}\nx`, userId: emu.userId },
      { maxConcurrentRequests: 2, retryBudgetMs: 60_000 },
    );
    try {
      // More requests than connection slots: a leaked slot per failure would hang the third.
      for (let i = 0; i < 5; i += 1) {
        const error = await bad
          .call(
            { operation: "list keys", method: "GET", path: "/api/token/", retry: "idempotent" },
            z.unknown(),
          )
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(error).toBeInstanceOf(CometApiError);
        expect(error).not.toBeInstanceOf(NetworkError);
        expect((error as Error).message).not.toContain(TOKEN_PART);
      }
      expect(bad.stats.retries).toBe(0);
    } finally {
      await bad.close();
    }
  });
});

describe("request timeout", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // Accepts and never answers.
    server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("a create that gets no answer ends with an outcome-unknown error after its timeout", async () => {
    const http = new HttpTransport({ baseUrl: url, accessToken: "t" }, { requestTimeoutMs: 300 });
    try {
      const error = await http
        .call(
          { operation: "create key", method: "POST", path: "/api/token/", body: {}, retry: "not-if-sent" },
          z.unknown(),
        )
        .then(
          () => undefined,
          (e: unknown) => e as Error,
        );
      expect(error?.message).toMatch(/no answer before the request timeout/);
    } finally {
      await http.close();
    }
  });
});
