/**
 * Transport and access security, over real sockets:
 * - plain `http://` is refused for any host that is not this machine, before a request is made;
 * - TLS certificate errors are never ignored (a self-signed server gets no HTTP request), and no
 *   shipped code turns verification off;
 * - the emulator listens on loopback only and refuses requests without valid credentials (no
 *   effect, no data), and its control API wants the admin token;
 * - errors about refused credentials never carry the access token.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpsServer, type Server } from "node:https";
import { connect } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConfigurationError,
  IdentityUnavailableError,
  NetworkError,
  resolveConnection,
} from "../../../provider/index";
import { createCometApiKeyProvider } from "../../../provider/key/lifecycle";
import { useEmulator } from "../../support/emulatorHooks";
import { createKey } from "../../support/providerHarness";
import { errorTexts, expectNoSecrets } from "../../support/secretScan";

const emu = useEmulator();

/** A provider configured the way programs configure it (stack config through `configure`). */
function configuredProvider(baseUrl: string, accessToken = emu.accessToken) {
  const p = createCometApiKeyProvider({
    http: { requestTimeoutMs: 2_000, connectTimeoutMs: 2_000, retryBudgetMs: 1_000, retryBaseDelayMs: 10 },
  });
  const config: Record<string, string> = {
    "cometapi:accessToken": accessToken,
    "cometapi:baseUrl": baseUrl,
    "cometapi:userId": String(emu.userId),
  };
  void p.configure({ config: { get: (k: string) => config[k] } });
  return p;
}

describe("plain http", () => {
  it.each([
    "http://203.0.113.10",
    "http://api.cometapi.com",
    "http://10.0.0.1:8080",
    "http://localhost.example.com",
    "http://127.0.0.1.nip.io",
    "http://[2001:db8::1]",
    "http://0.0.0.0",
  ])("refuses %s before any request, without the token in the error", async (baseUrl) => {
    await emu.control.resetCounts();
    const error = await createKey(configuredProvider(baseUrl), { quota: 1_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/plain http:\/\/ to a host that is not this machine/);
    expectNoSecrets("the error", errorTexts(error), { accessToken: emu.accessToken, keys: [] });
    expect(await emu.control.keys()).toEqual([]);
    expect(() => resolveConnection({ accessToken: "t", baseUrl })).toThrow(ConfigurationError);
  });

  it.each(["http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1", "https://api.cometapi.com"])(
    "accepts %s",
    (baseUrl) => {
      expect(resolveConnection({ accessToken: "t", baseUrl }).baseUrl).toBe(new URL(baseUrl).origin);
    },
  );

  it("accepts http:// to the emulator on loopback (the control case)", async () => {
    const { id } = await createKey(configuredProvider(emu.url), { quota: 1_000 });
    expect((await emu.control.keys()).map((k) => String(k.id))).toContain(id);
  });
});

describe("TLS", () => {
  let server: Server;
  let dir: string;
  let requests = 0;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cometapi-tls-"));
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        .concat(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        .concat(["-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")]),
      { stdio: "ignore" },
    );
    server = createHttpsServer(
      { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
      (_req, res) => {
        requests += 1;
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify({
            success: true,
            message: "",
            data: { page: 1, page_size: 1, total: 0, items: [] },
          }),
        );
      },
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("never sends a request to a server whose certificate does not verify", async () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const error = await createKey(configuredProvider(`https://127.0.0.1:${port}`), { quota: 1_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    // The first request is the identity check: it fails, and nothing else is tried.
    expect(error).toBeInstanceOf(IdentityUnavailableError);
    expect((error as Error).cause).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/certificate|self.signed|SELF_SIGNED/i);
    expectNoSecrets("the error", errorTexts(error), { accessToken: emu.accessToken, keys: [] });
    expect(requests, "HTTP requests that reached the self-signed server").toBe(0);
  });

  it("ships no code that turns certificate verification off", () => {
    const offenders: string[] = [];
    for (const dirName of ["provider", "sdk"]) {
      for (const file of readdirSync(join(__dirname, "../../..", dirName))) {
        if (!file.endsWith(".ts")) continue;
        const text = readFileSync(join(__dirname, "../../..", dirName, file), "utf8");
        if (/rejectUnauthorized|NODE_TLS_REJECT_UNAUTHORIZED|checkServerIdentity/.test(text)) {
          offenders.push(`${dirName}/${file}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});

describe("the emulator", () => {
  it("listens on 127.0.0.1 only", async () => {
    const port = Number(new URL(emu.url).port);
    expect(new URL(emu.url).hostname).toBe("127.0.0.1");
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i !== undefined && !i.internal && i.family === "IPv4")
      .map((i) => i?.address as string);
    for (const address of external) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect({ host: address, port }, () => {
          socket.destroy();
          resolve("connected");
        });
        socket.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
        socket.setTimeout(2_000, () => {
          socket.destroy();
          resolve("timeout");
        });
      });
      expect(outcome, `connecting to ${address}:${port}`).not.toBe("connected");
    }
    console.log(
      `emulator on ${emu.url}; non-loopback IPv4 addresses tried: ${external.join(", ") || "(none)"}`,
    );
  });

  const routes: [string, string, unknown?][] = [
    ["GET", "/api/token/?p=1&page_size=100"],
    ["GET", "/api/token/search?keyword=x"],
    ["POST", "/api/token/", { name: "intruder", remain_quota: 1, expired_time: -1 }],
    ["PUT", "/api/token/", { id: 1, name: "intruder" }],
    ["DELETE", "/api/token/1"],
    ["GET", "/api/token/1"],
    ["POST", "/api/token/1/key"],
    ["POST", "/api/token/batch/keys", { ids: [1] }],
  ];

  it.each(routes)(
    "refuses %s %s without valid credentials, with no effect and no data",
    async (method, path, body) => {
      for (const serverProfile of ["upstream-2026-08", "new-api-2026-03"] as const) {
        await refusedOn(serverProfile, method, path, body);
      }
    },
  );

  /** Every way to call `method path` without valid credentials is refused on `serverProfile`. */
  async function refusedOn(
    serverProfile: "upstream-2026-08" | "new-api-2026-03",
    method: string,
    path: string,
    body: unknown,
  ): Promise<void> {
    {
      await emu.control.reset();
      await emu.control.setSwitches({ serverProfile });
      const victim = await emu.control.createKeyDirect(emu.userId, { name: "victim", remain_quota: 100 });
      const realPath = path.replace("/1", `/${victim.id}`);
      const realBody =
        body === undefined
          ? undefined
          : JSON.stringify(body).replace('"id":1', `"id":${victim.id}`).replace("[1]", `[${victim.id}]`);
      const attempts: Record<string, string>[] = [
        {},
        { authorization: "not-the-token", "new-api-user": String(emu.userId) },
        { authorization: `Bearer ${emu.adminToken}`, "new-api-user": String(emu.userId) },
        // Refused by the build that checks New-Api-User (upstream 2026-08 never does).
        ...(serverProfile === "new-api-2026-03"
          ? [
              { authorization: emu.accessToken },
              { authorization: emu.accessToken, "new-api-user": String(emu.userId + 1) },
            ]
          : []),
      ];
      for (const headers of attempts) {
        const res = await fetch(`${emu.url}${realPath}`, {
          method,
          headers: { ...headers, ...(realBody ? { "content-type": "application/json" } : {}) },
          body: realBody,
        });
        const text = await res.text();
        const refused = res.status === 401 || (res.status === 200 && JSON.parse(text).success === false);
        expect(refused, `${JSON.stringify(Object.keys(headers))} → ${res.status} ${text.slice(0, 100)}`).toBe(
          true,
        );
        expect(text).not.toContain(victim.key);
        expect(text).not.toContain("victim");
      }
      expect(await emu.control.keys()).toEqual([victim]);
    }
  }

  it("keeps the control API to the admin token", async () => {
    for (const authorization of [undefined, emu.accessToken, `Bearer ${emu.accessToken}`, "Bearer wrong"]) {
      const res = await fetch(`${emu.url}/_emulator/keys`, {
        headers: authorization === undefined ? {} : { authorization },
      });
      expect(res.status).toBe(401);
    }
  });
});
