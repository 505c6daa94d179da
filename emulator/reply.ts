/** What a handler answers; the server writes it (or drops it, for a "lost-response" fault). */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Raw body; `undefined` = empty body. */
  body?: string;
}

export function jsonReply(status: number, value: unknown, headers?: Record<string, string>): Reply {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
    body: JSON.stringify(value),
  };
}

/** HTTP 200 `{success: true, message: "", data}`; `data` omitted when undefined. */
export function ok(data?: unknown): Reply {
  return jsonReply(
    200,
    data === undefined ? { success: true, message: "" } : { success: true, message: "", data },
  );
}

/** The service's business error: HTTP 200 `{success: false, message}`. */
export function fail(message: string): Reply {
  return jsonReply(200, { success: false, message });
}

/** HTTP 429 with an empty body, as the rate-limit middleware answers. */
export function tooManyRequests(retryAfterSeconds?: number): Reply {
  return {
    status: 429,
    headers: retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) },
  };
}

/** The router's answer to an unknown route. */
export function notFound(method: string, path: string): Reply {
  return jsonReply(404, {
    error: {
      message: `Invalid URL (${method} ${path})`,
      type: "invalid_request_error",
      param: "",
      code: "",
    },
  });
}
