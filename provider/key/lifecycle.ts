/**
 * The lifecycle of a CometAPI key as a Pulumi dynamic provider: check, diff, create, read,
 * update, delete. HTTP details live in `service/client.ts`/`transport/http.ts`, what one connection shares in
 * `key/session.ts`, the key model's mappings and comparisons in `key/recordMapping.ts`/`key/diff.ts`;
 * the rules are in the steps, one file each under `key/steps/` (check, diff, create, adopt, read,
 * update, converge, delete, retiredKeys), sharing a `LifecycleContext`; this file assembles them.
 *
 * - Quota is an allotment, not a mirror: diff compares configured quotas only; an update that
 *   does not change `quota` sends the live remaining quota read just before, so usage is never
 *   reset.
 * - Update is full replacement on the server: every field is always sent, and `status` is carried
 *   so builds whose full update applies it keep it. Status changes use status-only updates.
 * - `enabled` is the user's wish; `expired`/`exhausted` are the server's facts, reported and not
 *   fought. Reviving a key takes a full update that fixes expiry/quota, then a status change.
 * - A create first looks for a key a stopped run left for the resource (same name, the caller's own,
 *   held by no step of this run) and takes it over instead of making a second one
 *   (`unrecordedKeys.ts`).
 * - Any failure after a key exists carries its id, so the engine records it instead of leaking it;
 *   a failure after an update's first write carries what was applied, so the next run converges.
 * - Usage lands at any time: a full update that sent a live quota corrects it when its answer
 *   shows usage charged after that quota was read.
 * - Ownership: who the caller is comes from the service (`Session.caller`, asked once per
 *   connection; `cometapi:userId` is only a header and a cross-check), before any write and any
 *   decision that depends on it. Each key records its owner (`userId`) and the service
 *   (`baseUrl`); the provider changes or deletes only the caller's own keys, and "record not
 *   found" proves a deletion only to the recorded owner (`key/ownership.ts`).
 */

import { reportingWithoutStackTraces, withRecordedConfigurationHint } from "../errors/reporting.js";
import type { CometApiClient } from "../service/client.js";
import { type ConnectionSettings, type ConnectionSources, resolveConnection } from "../service/connection.js";
import type { AutoNaming } from "./inputs.js";
import { createSessionCache, type SessionOptions } from "./session.js";
import { check } from "./steps/check.js";
import type { LifecycleContext } from "./steps/context.js";
import { create } from "./steps/create.js";
import { deleteKey } from "./steps/delete.js";
import { detailedDiff } from "./steps/diff.js";
import { read } from "./steps/read.js";
import { update } from "./steps/update.js";
import { RecordedKeys } from "./unrecordedKeys.js";

/** The subset of `pulumi.dynamic.ResourceProvider` this provider implements (no SDK import needed). */
export interface CometApiKeyProvider {
  configure(req: { config: { get(key: string): string | undefined } }): Promise<void>;
  check(
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
    naming?: AutoNaming,
  ): Promise<{
    inputs: Record<string, unknown>;
    failures: { property: string; reason: string }[];
  }>;
  diff(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }>;
  /** `diff` with the properties that differ (`diffs`), for the native plugin's detailed diff. */
  detailedDiff(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean; diffs: string[] }>;
  create(inputs: Record<string, unknown>): Promise<{ id: string; outs: Record<string, unknown> }>;
  read(
    id: string,
    props?: Record<string, unknown>,
  ): Promise<{
    id: string;
    props?: Record<string, unknown>;
    inputs?: Record<string, unknown>;
  }>;
  update(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<{ outs: Record<string, unknown> }>;
  delete(id: string, props: Record<string, unknown>): Promise<void>;
  /**
   * The engine cancelled the run (one Ctrl-C): no new write, reveal or retry is sent from now on,
   * and every step ends within seconds, a step that created a key with its id in the error.
   */
  cancel(): void;
  /**
   * The host tells how to check that the engine which started this process is still there
   * (`provider/host/engineSignals.ts`, `watchEngine(…).alive`). From then on every request that goes on
   * the wire after a wait (a rate-limit pause, a backoff, a connection slot), and every write and
   * reveal, asks it first; once it answers false nothing more is sent (`EngineGoneError`).
   */
  whileEngineAlive(alive: () => Promise<boolean>): void;
  /** The connection's client (one per connection and process), for the lookup functions. */
  client(): CometApiClient;
}

/** Tuning for tests and scripts; programs use the defaults. */
export interface CometApiKeyProviderOptions extends SessionOptions {
  /** Connection settings; when absent, `configure()` and then the environment decide. */
  connection?: ConnectionSettings;
}

/** Creates a provider with its own sessions; `cometApiKeyProvider` is the shared default. */
export function createCometApiKeyProvider(options: CometApiKeyProviderOptions = {}): CometApiKeyProvider {
  let configured: ConnectionSources = {};
  const sessionOf = createSessionCache(options);
  const ctx: LifecycleContext = {
    session: () => sessionOf(options.connection ?? resolveConnection(configured)),
    recorded: new RecordedKeys(),
    warn: options.warn ?? ((message: string) => console.error(message)),
    engineConfigured: false,
    checkAccount: undefined,
  };

  return {
    client: () => ctx.session().client,

    async configure(req) {
      configured = {
        accessToken: req.config.get("cometapi:accessToken"),
        baseUrl: req.config.get("cometapi:baseUrl"),
        userId: req.config.get("cometapi:userId"),
      };
      ctx.checkAccount = req.config.get("cometapi:checkAccount");
      ctx.engineConfigured = true;
    },

    check: (olds, news, naming) => check(ctx, olds, news, naming),

    async diff(id, olds, news) {
      const { changes, replaces, deleteBeforeReplace } = await detailedDiff(ctx, id, olds, news);
      return { changes, replaces, deleteBeforeReplace };
    },

    detailedDiff: (id, olds, news) => detailedDiff(ctx, id, olds, news),
    create: (inputs) => create(ctx, inputs),
    // Refresh and destroy run these with the configuration recorded at the last `pulumi up`.
    read: (id, props) => withRecordedConfigurationHint(() => read(ctx, id, props)),
    update: (id, olds, news) => update(ctx, id, olds, news),
    delete: (id, props) => withRecordedConfigurationHint(() => deleteKey(ctx, id, props)),

    cancel() {
      sessionOf.cancel();
    },

    whileEngineAlive(alive) {
      sessionOf.whileEngineAlive(alive);
    },
  };
}

/** The provider programs use (through the SDK's thin loader), run by the dynamic-provider server. */
export const cometApiKeyProvider: CometApiKeyProvider = reportingWithoutStackTraces(
  createCometApiKeyProvider(),
);
