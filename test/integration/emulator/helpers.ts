/** Shared helpers for the emulator conformance suite: real HTTP against a started emulator. */
import { Agent, request } from "undici";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "../../../emulator/index";

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests index into arbitrary JSON answers
  json: any;
}

export interface ApiOptions {
  body?: unknown;
  /** Raw body text (overrides `body`). */
  raw?: string;
  headers?: Record<string, string>;
  /** Send no Authorization / New-Api-User at all. */
  anonymous?: boolean;
  /** Local address to connect from (127.0.0.x simulates other callers). */
  from?: string;
  user?: { userId: number; accessToken: string };
}

const agents = new Map<string, Agent>();
function agentFor(from: string | undefined): Agent | undefined {
  if (!from) return undefined;
  let a = agents.get(from);
  if (!a) {
    a = new Agent({ localAddress: from });
    agents.set(from, a);
  }
  return a;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Sends one request with undici (no redirect following) and reads the whole answer. */
export async function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  from?: string,
): Promise<Answer> {
  const dispatcher = agentFor(from);
  const res = await request(url, {
    method: method as "GET",
    headers,
    body,
    ...(dispatcher ? { dispatcher } : {}),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: parse(text) };
}

/** Calls a management route as the emulator's first user (or `opts.user`). */
export function api(
  emu: RunningEmulator,
  method: string,
  path: string,
  opts: ApiOptions = {},
): Promise<Answer> {
  const user = opts.user ?? { userId: emu.userId, accessToken: emu.accessToken };
  const headers: Record<string, string> = {};
  if (!opts.anonymous) {
    headers.authorization = user.accessToken;
    headers["new-api-user"] = String(user.userId);
  }
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers["content-type"] = "application/json";
  Object.assign(headers, opts.headers ?? {});
  return send(`${emu.url}${path}`, method, headers, body, opts.from);
}

/** Calls the model side with `Authorization: Bearer sk-<key>`. */
export function model(
  emu: RunningEmulator,
  method: "GET" | "POST",
  path: string,
  key: string,
  body?: unknown,
  from?: string,
): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer sk-${key}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  return send(
    `${emu.url}${path}`,
    method,
    headers,
    body === undefined ? undefined : JSON.stringify(body),
    from,
  );
}

export function chat(
  emu: RunningEmulator,
  key: string,
  modelName = "gpt-4o-mini",
  from?: string,
): Promise<Answer> {
  return model(
    emu,
    "POST",
    "/v1/chat/completions",
    key,
    { model: modelName, messages: [{ role: "user", content: "hi" }] },
    from,
  );
}

/** Creates a key through the API and returns its stored record (with the full key). */
export async function createKey(
  emu: RunningEmulator,
  body: Record<string, unknown> = {},
  user?: { userId: number; accessToken: string },
) {
  const r = await api(emu, "POST", "/api/token/", {
    body: { name: "k", ...body },
    ...(user ? { user } : {}),
  });
  if (r.json?.success !== true) throw new Error(`create failed: ${r.text}`);
  const keys = await emu.control.keys(user?.userId ?? emu.userId);
  const rec = keys[keys.length - 1];
  if (!rec) throw new Error("created key not found");
  return rec;
}

/** Starts an emulator for one test file, with a frozen clock by default. */
export async function start(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ clock: 1_750_000_000, ...options });
}

export async function closeAgents(): Promise<void> {
  await Promise.all([...agents.values()].map((a) => a.close()));
  agents.clear();
}
