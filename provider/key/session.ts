/**
 * One session per connection (base URL, user id, access token): the client, the id resolver, the
 * revealer, the shared listing and the caller's identity that every call on that connection
 * shares within one provider process, made on first use.
 */
import { createHash } from "node:crypto";
import { AccountCatalog, type Warn } from "../account/catalog.js";
import {
  AuthenticationError,
  CancelledError,
  IdentityUnavailableError,
  WrongAccountError,
} from "../errors/index.js";
import { type Caller, CometApiClient } from "../service/client.js";
import type { ConnectionSettings } from "../service/connection.js";
import type { HttpOptions } from "../transport/http.js";
import { CreatedKeyResolver, type CreatedKeyResolverOptions } from "./createdKeyResolver.js";
import { KeyRevealer, type KeyRevealerOptions } from "./revealer.js";
import { KeySnapshot, type KeySnapshotOptions } from "./snapshot.js";

/** Tuning of each session's parts; the provider's options add the connection. */
export interface SessionOptions {
  /** HTTP timeouts, concurrency and retry budget. */
  http?: HttpOptions;
  /** Id resolution after create. */
  resolver?: CreatedKeyResolverOptions;
  /** The shared listing behind refresh. */
  snapshot?: KeySnapshotOptions;
  /**
   * How long key reveals gather into one batch request.
   * @default { quietMs: 40, maxGatherMs: 120_000 }
   * @example { reveals: { quietMs: 5 } }
   */
  reveals?: KeyRevealerOptions;
  /**
   * Where warnings go (the engine shows a provider's stderr in its output).
   * @default console.error
   * @example { warn: (message) => seen.push(message) }
   */
  warn?: Warn;
}

/** Everything one connection shares across the calls of one provider process. */
export interface Session {
  settings: ConnectionSettings;
  client: CometApiClient;
  resolver: CreatedKeyResolver;
  revealer: KeyRevealer;
  snapshot: KeySnapshot;
  /**
   * Who the access token belongs to, as the service says (`GET /api/user/self`), asked once per
   * session and shared by every key (a failed answer is asked again next time). Throws
   * `WrongAccountError` when `cometapi:userId` is set and is not the token's owner, and
   * `IdentityUnavailableError` when the service cannot say (no such route, network fault): every
   * decision that depends on ownership waits for this, so then nothing is written or dropped.
   */
  caller(): Promise<Caller>;
  /** What the account may use (models, groups), asked once per process and shared by every key. */
  catalog: AccountCatalog;
  /** Keys adopted in this process: a replacement holds them, so the old resource's delete keeps them. */
  adopted: Set<number>;
}

/** The session of a connection, made on first use, and what reaches every session's client. */
export type SessionCache = ((settings: ConnectionSettings) => Session) & {
  /** Stops every session's client, those made later included (the engine cancelled the run). */
  cancel(): void;
  /** Gives every client, those made later included, the host's check that its engine is still there. */
  whileEngineAlive(alive: () => Promise<boolean>): void;
};

/** A cache of sessions: the same base URL, user id and access token always get the same session. */
export function createSessionCache(options: SessionOptions): SessionCache {
  const sessions = new Map<string, Session>();
  let cancelled = false;
  let engineAlive: (() => Promise<boolean>) | undefined;
  const sessionOf = (settings: ConnectionSettings): Session => {
    const id = createHash("sha256")
      .update(`${settings.baseUrl}\n${settings.userId ?? ""}\n${settings.accessToken}`)
      .digest("hex");
    let s = sessions.get(id);
    if (!s) {
      const client = new CometApiClient({ ...settings, ...options.http });
      if (cancelled) client.cancel();
      if (engineAlive) client.whileEngineAlive(engineAlive);
      let asked: Promise<Caller> | undefined;
      const caller = (): Promise<Caller> => {
        asked ??= askCaller(client, settings).catch((error: unknown) => {
          asked = undefined;
          throw error;
        });
        return asked;
      };
      const ownerId = async () => (await caller()).id;
      const resolver = new CreatedKeyResolver(client, { ownerId, ...options.resolver });
      s = {
        settings,
        client,
        resolver,
        revealer: new KeyRevealer(client, options.reveals),
        snapshot: new KeySnapshot(client, options.snapshot),
        caller,
        catalog: new AccountCatalog(client, options.warn ?? ((message) => console.error(message))),
        adopted: new Set(),
      };
      sessions.set(id, s);
    }
    return s;
  };
  return Object.assign(sessionOf, {
    cancel(): void {
      cancelled = true;
      for (const s of sessions.values()) s.client.cancel();
    },
    whileEngineAlive(alive: () => Promise<boolean>): void {
      engineAlive = alive;
      for (const s of sessions.values()) s.client.whileEngineAlive(alive);
    },
  });
}

/** Asks the service who the token belongs to, and cross-checks the configured user id. */
async function askCaller(client: CometApiClient, settings: ConnectionSettings): Promise<Caller> {
  let me: Caller;
  try {
    me = await client.currentUser();
  } catch (error) {
    if (error instanceof AuthenticationError || error instanceof CancelledError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new IdentityUnavailableError(
      `could not learn whose access token this is (${reason}). The provider decides whose keys it may ` +
        "create, claim or count as deleted only from the service's answer, so nothing was created, changed or " +
        "dropped from the stack. Check cometapi:baseUrl (COMETAPI_BASE_URL) and the service, and run again.",
      { cause: error },
    );
  }
  if (settings.userId !== undefined && settings.userId !== me.id) {
    throw new WrongAccountError(
      `cometapi:userId (COMETAPI_USER_ID) is ${settings.userId}, but the access token belongs to user ${me.id}. ` +
        "Nothing was created, changed or dropped. Configure the token and the user id of the same account " +
        `(cometapi:userId ${me.id} for this token, or the token of user ${settings.userId}) and run again.`,
    );
  }
  return me;
}
