/**
 * One session per connection (base URL, user id, access token): the client, the id resolver, the
 * revealer and the shared listing that every call on that connection shares within one provider
 * process, made on first use.
 */
import { createHash } from "node:crypto";
import { CometApiClient } from "./client.js";
import type { ConnectionSettings } from "./connection.js";
import { CreatedKeyResolver, type CreatedKeyResolverOptions } from "./createdKeyResolver.js";
import type { HttpOptions } from "./http.js";
import { KeyRevealer, type KeyRevealerOptions } from "./keyRevealer.js";
import { KeySnapshot, type KeySnapshotOptions } from "./keySnapshot.js";

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
}

/** Everything one connection shares across the calls of one provider process. */
export interface Session {
  settings: ConnectionSettings;
  client: CometApiClient;
  resolver: CreatedKeyResolver;
  revealer: KeyRevealer;
  snapshot: KeySnapshot;
  /** The caller's user id: configured, else asked once when `mustKnow`. */
  ownerId(mustKnow: boolean): Promise<number | undefined>;
  /** Keys adopted in this process: a replacement holds them, so the old resource's delete keeps them. */
  adopted: Set<number>;
}

/**
 * A cache of sessions: the same base URL, user id and access token always get the same session.
 * `cancel()` stops every session's client, those made later included (the engine cancelled the run).
 */
export function createSessionCache(
  options: SessionOptions,
): ((settings: ConnectionSettings) => Session) & { cancel(): void } {
  const sessions = new Map<string, Session>();
  let cancelled = false;
  const sessionOf = (settings: ConnectionSettings): Session => {
    const id = createHash("sha256")
      .update(`${settings.baseUrl}\n${settings.userId ?? ""}\n${settings.accessToken}`)
      .digest("hex");
    let s = sessions.get(id);
    if (!s) {
      const client = new CometApiClient({ ...settings, ...options.http });
      if (cancelled) client.cancel();
      let asked: Promise<number | undefined> | undefined;
      const ownerId = async (mustKnow: boolean) => {
        if (settings.userId !== undefined) return settings.userId;
        if (!mustKnow) return undefined;
        asked ??= client.currentUserId().catch(() => undefined);
        return asked;
      };
      const resolver = new CreatedKeyResolver(client, { ownerId, ...options.resolver });
      s = {
        settings,
        client,
        resolver,
        revealer: new KeyRevealer(client, options.reveals),
        snapshot: new KeySnapshot(client, options.snapshot),
        ownerId,
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
  });
}
