/**
 * Connection settings: where CometAPI is and who we are.
 *
 * Read at call time, never captured in the serialized provider: stack config first
 * (`cometapi:accessToken`, `cometapi:baseUrl`, `cometapi:userId`, handed to `configure()`), then
 * the environment (`COMETAPI_ACCESS_TOKEN`, `COMETAPI_BASE_URL`, `COMETAPI_USER_ID`).
 */
import { isIP } from "node:net";
import { ConfigurationError } from "../errors/index.js";
import { firstNonHeaderCharacter } from "../transport/headers.js";

/** CometAPI's public endpoint. */
export const DEFAULT_BASE_URL = "https://api.cometapi.com";

export interface ConnectionSettings {
  /** Origin of the service, no trailing slash, e.g. `https://api.cometapi.com`. */
  baseUrl: string;
  /** The personal access token. Never logged, never stored in state. */
  accessToken: string;
  /** Sent as `New-Api-User` when set. */
  userId?: number;
}

/** Raw values as they come from config or the environment. */
export interface ConnectionSources {
  accessToken?: string;
  baseUrl?: string;
  userId?: string;
}

/** Resolves settings from configured values, falling back to the environment. */
export function resolveConnection(
  configured: ConnectionSources,
  env: NodeJS.ProcessEnv = process.env,
): ConnectionSettings {
  const accessToken = nonEmpty(configured.accessToken) ?? nonEmpty(env.COMETAPI_ACCESS_TOKEN);
  if (!accessToken) {
    throw new ConfigurationError(
      "No CometAPI access token. Set it with `pulumi config set --secret cometapi:accessToken <token>` " +
        "(Console → Personal Settings → access token) or the COMETAPI_ACCESS_TOKEN environment variable.",
    );
  }
  const badAt = firstNonHeaderCharacter(accessToken);
  if (badAt !== undefined) {
    // The value is never echoed: only where the bad character sits.
    throw new ConfigurationError(
      `cometapi:accessToken (COMETAPI_ACCESS_TOKEN) has a character an HTTP header cannot carry (a line break, ` +
        `control or non-ASCII character) at position ${badAt + 1} of ${accessToken.length}; copy the token ` +
        "again from Console → Personal Settings → access token and set it with " +
        "`pulumi config set --secret cometapi:accessToken <token>`.",
    );
  }
  const baseUrl = normaliseBaseUrl(
    nonEmpty(configured.baseUrl) ?? nonEmpty(env.COMETAPI_BASE_URL) ?? DEFAULT_BASE_URL,
  );
  const userIdText = nonEmpty(configured.userId) ?? nonEmpty(env.COMETAPI_USER_ID);
  let userId: number | undefined;
  if (userIdText !== undefined) {
    if (!/^\d+$/.test(userIdText) || Number(userIdText) <= 0 || !Number.isSafeInteger(Number(userIdText))) {
      throw new ConfigurationError(
        `cometapi:userId (COMETAPI_USER_ID) must be your numeric CometAPI user id, got ${JSON.stringify(userIdText)}.`,
      );
    }
    userId = Number(userIdText);
  }
  return userId === undefined ? { baseUrl, accessToken } : { baseUrl, accessToken, userId };
}

/** Validates a base URL: https anywhere, plain http only to this machine. */
export function normaliseBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigurationError(
      `cometapi:baseUrl "${withoutCredentials(text)}" is not a URL; expected e.g. ${DEFAULT_BASE_URL}`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigurationError(`cometapi:baseUrl must use https:// (got ${url.protocol}//)`);
  }
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    throw new ConfigurationError(
      `cometapi:baseUrl ${url.origin} uses plain http:// to a host that is not this machine; the access token ` +
        "would travel unencrypted. Use https://, or http:// only for 127.0.0.1, ::1 or localhost.",
    );
  }
  if (url.pathname !== "/" || url.search || url.hash || url.username || url.password) {
    throw new ConfigurationError(
      `cometapi:baseUrl must be an origin only (scheme, host, port; no user:password@), e.g. ${DEFAULT_BASE_URL}; ` +
        `got "${withoutCredentials(text)}"`,
    );
  }
  return url.origin;
}

/** `text` with any `user:password@` part of a URL replaced by `***@`: errors never quote credentials. */
function withoutCredentials(text: string): string {
  return text.replace(/\/\/[^/?#]*@/g, "//***@");
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) return host === "::1";
  return false;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
