/** `resolveConnection` / `normaliseBaseUrl`: stack config first, then the environment. */
import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../provider/errors";
import { DEFAULT_BASE_URL, normaliseBaseUrl, resolveConnection } from "../../provider/service/connection";

const TOKEN = "tok-SECRET-a1b2c3d4e5f6";

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as Error;
  }
  throw new Error("expected a ConfigurationError, got none");
}

describe("resolveConnection", () => {
  it("uses the defaults with only a token", () => {
    expect(resolveConnection({ accessToken: TOKEN }, {})).toEqual({
      baseUrl: DEFAULT_BASE_URL,
      accessToken: TOKEN,
    });
    expect(DEFAULT_BASE_URL).toBe("https://api.cometapi.com");
  });

  it("falls back to the environment", () => {
    expect(
      resolveConnection(
        {},
        {
          COMETAPI_ACCESS_TOKEN: TOKEN,
          COMETAPI_BASE_URL: "http://127.0.0.1:8787",
          COMETAPI_USER_ID: "7",
        },
      ),
    ).toEqual({ baseUrl: "http://127.0.0.1:8787", accessToken: TOKEN, userId: 7 });
  });

  it("prefers stack config over the environment, field by field", () => {
    const env = {
      COMETAPI_ACCESS_TOKEN: "from-env",
      COMETAPI_BASE_URL: "https://env.example.com",
      COMETAPI_USER_ID: "1",
    };
    expect(
      resolveConnection({ accessToken: TOKEN, baseUrl: "https://config.example.com", userId: "42" }, env),
    ).toEqual({ baseUrl: "https://config.example.com", accessToken: TOKEN, userId: 42 });
    expect(resolveConnection({ userId: "42" }, env)).toEqual({
      baseUrl: "https://env.example.com",
      accessToken: "from-env",
      userId: 42,
    });
  });

  it("treats blank config as unset and trims values", () => {
    expect(
      resolveConnection({ accessToken: "  ", userId: " 9 " }, { COMETAPI_ACCESS_TOKEN: ` ${TOKEN} ` }),
    ).toEqual({
      baseUrl: DEFAULT_BASE_URL,
      accessToken: TOKEN,
      userId: 9,
    });
  });

  it("without a token names both places to set one", () => {
    const error = errorOf(() => resolveConnection({}, {}));
    expect(error.message).toContain("cometapi:accessToken");
    expect(error.message).toContain("COMETAPI_ACCESS_TOKEN");
    expect(error.message).toContain("--secret");
  });

  it.each(["abc", "0", "-1", "1.5", "1e3", "99999999999999999999"])(
    "refuses userId %j, naming the setting, never the token",
    (userId) => {
      const error = errorOf(() => resolveConnection({ accessToken: TOKEN, userId }, {}));
      expect(error.message).toMatch(/cometapi:userId.*COMETAPI_USER_ID.*numeric/);
      expect(error.message).not.toContain(TOKEN);
    },
  );

  it("never puts the token in a base URL error", () => {
    const error = errorOf(() =>
      resolveConnection({ accessToken: TOKEN, baseUrl: "http://evil.example.com" }, {}),
    );
    expect(error.message).not.toContain(TOKEN);
    const error2 = errorOf(() =>
      resolveConnection({}, { COMETAPI_ACCESS_TOKEN: TOKEN, COMETAPI_BASE_URL: "::" }),
    );
    expect(error2.message).not.toContain(TOKEN);
  });
});

describe("normaliseBaseUrl", () => {
  it.each([
    ["https://api.cometapi.com", "https://api.cometapi.com"],
    ["https://api.cometapi.com/", "https://api.cometapi.com"],
    ["https://gateway.example.com:8443", "https://gateway.example.com:8443"],
    ["https://10.0.0.5", "https://10.0.0.5"],
    ["http://127.0.0.1:8787", "http://127.0.0.1:8787"],
    ["http://127.0.0.1:8787/", "http://127.0.0.1:8787"],
    ["http://127.1.2.3", "http://127.1.2.3"],
    ["http://localhost:3000", "http://localhost:3000"],
    ["http://LOCALHOST:3000", "http://localhost:3000"],
    ["http://[::1]:8787", "http://[::1]:8787"],
  ])("accepts %j as %j", (text, origin) => {
    expect(normaliseBaseUrl(text)).toBe(origin);
  });

  it.each([
    "http://api.cometapi.com",
    "http://10.0.0.5:8080",
    "http://192.168.1.1",
    "http://[2001:db8::1]",
    "http://localhost.example.com",
    "http://127.0.0.1.nip.io",
  ])("refuses plain http:// to the non-loopback %j and says why", (text) => {
    const error = errorOf(() => normaliseBaseUrl(text));
    expect(error.message).toMatch(/plain http:\/\/.*unencrypted.*https:\/\//);
  });

  it.each([
    "https://api.cometapi.com/api",
    "https://api.cometapi.com/v1/",
    "https://api.cometapi.com/?x=1",
    "https://api.cometapi.com/#frag",
    "https://user:pw@api.cometapi.com",
    "http://127.0.0.1:8787/api",
  ])("refuses %j: an origin only", (text) => {
    expect(errorOf(() => normaliseBaseUrl(text)).message).toMatch(/origin only/);
  });

  it("refuses other schemes", () => {
    expect(errorOf(() => normaliseBaseUrl("ftp://api.cometapi.com")).message).toMatch(/must use https:\/\//);
  });

  it("refuses what is not a URL, with an example", () => {
    expect(errorOf(() => normaliseBaseUrl("api.cometapi.com")).message).toMatch(
      /not a URL; expected e\.g\. https:\/\/api\.cometapi\.com/,
    );
  });
});

describe("base URL errors never quote credentials (issue 21, case 9)", () => {
  it.each([
    "https://user:pa55word@api.example.com",
    "https://user:pa55word@api.example.com/v1",
    "https://user:pa55word@exa mple.com",
    "http://user:pa55word@example.com",
  ])("%s", (baseUrl) => {
    const error = errorOf(() => resolveConnection({ accessToken: TOKEN, baseUrl }, {}));
    expect(error.message).toContain("cometapi:baseUrl");
    expect(error.message).not.toContain("pa55word");
  });
});
