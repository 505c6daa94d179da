/**
 * `CreatedKeyResolver`: creates keys and finds their ids.
 *
 * CometAPI's create answers only `{success, message}`. The new key is found by listing (newest
 * first) and claiming a key that matches what was sent and did not exist before the create was
 * sent. The rules that keep this exact:
 *
 * - **Baseline.** Every create remembers the highest id seen by a listing that finished before it
 *   was sent; only keys above it can be its own. Ids are auto-increment, so one listing per
 *   process is enough (the account listing `unrecordedKeys.ts` takes before the first create, or a
 *   cheap one of its own) and later listings keep the baseline current.
 * - **Identical concurrent creates** (same fields) share a group: each claims a different key,
 *   creates whose request succeeded first. A group claims only from a listing sent after every
 *   one of its creates had its answer (a create still being sent may already have its key in the
 *   listing, or not yet), and never more keys than it has creates: when more new keys match than
 *   this process created, someone else created an identical key at the same moment and every
 *   create of the group fails with every candidate id (`AmbiguousKeyError`) instead of guessing.
 * - **Ownership.** Only keys of the caller's own user (as the service says: `ownerId`) are
 *   candidates: a root token on newer new-api builds lists every user's keys.
 * - **Unknown outcomes** (timeout, reset, lost response): the create is reconciled by listing,
 *   never sent again (a late commit would become a stray key). Listings continue, backing off,
 *   for `unknownOutcomeWindowMs`; a matching key that appears is claimed, and when none has by
 *   then the create fails with an error that names the key to look for.
 * - **Group commit.** At most one listing is in flight. A create whose answer arrived asks for
 *   one; creates answered while it is in flight (or waiting for a connection slot or a rate-limit
 *   pause) join the next. A listing starts once no create of this process is on its way (queued
 *   for a connection slot or on the wire) and none was started for `quietMs` (the engine starts
 *   creates one by one; each start, answer and hold-back is an event that looks again; nothing
 *   polls), or `maxGatherMs` after it was asked for. Once the service has answered 429, every
 *   request spends a scarce budget, and the quiet period becomes `limitedQuietMs`: the engine
 *   starts creates in a trickle as it finishes steps, and they then share one listing instead of
 *   one listing per few creates. A create the rate limit holds back is not
 *   waited for: the listing goes for the creates that have their answers, and as listings are
 *   urgent it is among the first requests when the pause ends. Which creates a listing serves is
 *   decided when its first page actually goes on the wire, so the grouping's correctness does not
 *   depend on how far apart the engine starts creates.
 */

import { AmbiguousKeyError, CreatedKeyNotFoundError, OutcomeUnknownError } from "../errors/index.js";
import { KEY_FIELDS, type KeyFieldName } from "../model/fields.js";
import type { ApiKeyFields, ApiKeyRecord, CometApiClient } from "../service/client.js";
import { MAX_PAGE_SIZE } from "../service/client.js";
import type { ApiRequest } from "../transport/http.js";
import { storedInputs } from "./recordMapping.js";

export interface CreatedKeyResolverOptions {
  /**
   * First wait between the listings that look for a create whose outcome is unknown; later
   * waits double, up to 8 times this.
   * @default 2_000
   * @example { unknownOutcomeGraceMs: 200 }
   */
  unknownOutcomeGraceMs?: number;
  /**
   * How long listings look for the key of a create whose outcome is unknown (its commit may land
   * well after the client gave up) before the create fails, naming the key to look for.
   * @default 60_000
   * @example { unknownOutcomeWindowMs: 1_000 }
   */
  unknownOutcomeWindowMs?: number;
  /**
   * The caller's own user id, as the service says it: keys of other users (listed to a root
   * token) are never candidates. The session passes its identity check; undefined = no filter.
   * @default () => undefined
   */
  ownerId?: () => Promise<number | undefined>;
  /**
   * A listing waits until no create was started for this long (creates the engine starts one by
   * one, moments apart, then share it).
   * @default 40
   * @example { quietMs: 10 }
   */
  quietMs?: number;
  /**
   * The quiet period once the service has refused a request of this connection with 429: a
   * listing then costs a request the creates need, so creates the engine starts in a trickle
   * (tens per second, as it records finished steps) share one.
   * @default 1_000
   * @example { limitedQuietMs: 200 }
   */
  limitedQuietMs?: number;
  /**
   * Longest a listing waits for creates still on their way (queued for a connection slot or on
   * the wire; never for creates the rate limit holds back) before it goes for the creates that
   * have their answers.
   * @default 30_000
   * @example { maxGatherMs: 1_000 }
   */
  maxGatherMs?: number;
  /**
   * Listing rounds a successful create may miss its key before it fails; also how many listings
   * in a row may fail (they are retried with backoff) before the waiting creates fail.
   * @default 4
   * @example { maxMisses: 2 }
   */
  maxMisses?: number;
}

interface PendingCreate {
  readonly fingerprint: string;
  /** What the create sent (a record of a server that lacks some field is compared without it). */
  readonly fields: ApiKeyFields;
  readonly name: string;
  readonly baselineId: number;
  /** `sending`: queued or on the wire; `held`: the rate limit holds it back; then answered. */
  phase: "sending" | "held" | "sent" | "unknown";
  /** When the outcome became unknown (ms since epoch). */
  unknownSince?: number;
  /** The error that made the outcome unknown. */
  unknownCause?: OutcomeUnknownError;
  misses: number;
  /** Listing rounds in a row that failed while this create waited. */
  listFailures: number;
  settle?: (result: ApiKeyRecord | Error) => void;
}

export class CreatedKeyResolver {
  private readonly options: Required<Omit<CreatedKeyResolverOptions, "ownerId">>;
  private readonly ownerId: () => Promise<number | undefined>;
  private knownMaxId: number | undefined;
  private baselineListing: Promise<number> | undefined;
  private readonly claimed = new Set<number>();
  private readonly pending = new Set<PendingCreate>();
  private roundRunning = false;
  private roundWanted = false;
  /** Starts a wanted round that waited `maxGatherMs` for unanswered creates. */
  private gatherTimer: NodeJS.Timeout | undefined;
  /** Looks again once `quietMs` passed since the last create started. */
  private quietTimer: NodeJS.Timeout | undefined;
  private lastStartedAt = 0;

  constructor(
    private readonly client: CometApiClient,
    options: CreatedKeyResolverOptions = {},
  ) {
    this.options = {
      unknownOutcomeGraceMs: options.unknownOutcomeGraceMs ?? 2_000,
      unknownOutcomeWindowMs: options.unknownOutcomeWindowMs ?? 60_000,
      quietMs: options.quietMs ?? 40,
      limitedQuietMs: options.limitedQuietMs ?? 1_000,
      maxGatherMs: options.maxGatherMs ?? 30_000,
      maxMisses: options.maxMisses ?? 4,
    };
    this.ownerId = options.ownerId ?? (async () => undefined);
  }

  /**
   * Creates a key with `fields` and returns the record of exactly that new key. `progress` hears
   * when the create goes on the wire and when the rate limit holds it back.
   */
  async createKey(
    fields: ApiKeyFields,
    progress: Pick<ApiRequest, "onSend" | "onHeldBack"> = {},
  ): Promise<ApiKeyRecord> {
    const pending: PendingCreate = {
      fingerprint: fingerprintOfFields(fields),
      fields,
      name: fields.name,
      baselineId: await this.baseline(),
      phase: "sending",
      misses: 0,
      listFailures: 0,
    };
    const settled = new Promise<ApiKeyRecord | Error>((resolve) => {
      pending.settle = resolve;
    });
    this.pending.add(pending);
    this.lastStartedAt = Date.now();
    try {
      await this.client.createKey(fields, {
        onSend: () => {
          pending.phase = "sending";
          progress.onSend?.();
        },
        onHeldBack: () => {
          pending.phase = "held";
          progress.onHeldBack?.();
          // A listing that waited for this create may go now.
          if (this.roundWanted) this.requestRound();
        },
      });
      pending.phase = "sent";
    } catch (error) {
      if (!(error instanceof OutcomeUnknownError)) {
        this.pending.delete(pending);
        this.requestRound();
        throw error;
      }
      pending.phase = "unknown";
      pending.unknownSince = Date.now();
      pending.unknownCause = error;
    }
    this.requestRound();
    const result = await settled;
    if (result instanceof Error) throw result;
    return result;
  }

  /** Highest key id known to exist; the first call in a process costs one small listing. */
  private async baseline(): Promise<number> {
    if (this.knownMaxId !== undefined) return this.knownMaxId;
    this.baselineListing ??= this.client
      .listKeys({ page: 1, pageSize: 1 })
      .then((page) => this.observeMaxId(page.items[0]?.id ?? 0))
      .finally(() => {
        this.baselineListing = undefined;
      });
    return this.baselineListing;
  }

  /** A listing that finished (here or elsewhere in the process) saw key `id`: the baseline is at least that. */
  observeMaxId(id: number): number {
    this.knownMaxId = Math.max(this.knownMaxId ?? 0, id);
    return this.knownMaxId;
  }

  /**
   * Asks for a listing round. It starts when no create is on its way (each has its answer or is
   * held back by the rate limit) and none was started for `quietMs` (looked at again on each
   * answer or hold-back and when that quiet period ends), or `maxGatherMs` from now. Rounds run
   * one at a time; one asked for during a round is looked at again when it returns.
   */
  private requestRound(delayMs = 0): void {
    if (delayMs > 0) {
      // Not unref'd: a create waits on this round, so the process must stay up until it settles.
      setTimeout(() => this.requestRound(), delayMs);
      return;
    }
    this.roundWanted = true;
    if (this.roundRunning) return;
    const onTheirWay = [...this.pending].some((p) => p.phase === "sending");
    if (onTheirWay) {
      this.gatherTimer ??= setTimeout(() => this.startRound(), this.options.maxGatherMs);
      return;
    }
    const quietMs = this.client.stats.rateLimited > 0 ? this.options.limitedQuietMs : this.options.quietMs;
    const quietIn = this.lastStartedAt + quietMs - Date.now();
    if (quietIn > 0) {
      this.quietTimer ??= setTimeout(() => {
        this.quietTimer = undefined;
        if (this.roundWanted && !this.roundRunning) this.requestRound();
      }, quietIn);
      return;
    }
    this.startRound();
  }

  private startRound(): void {
    clearTimeout(this.gatherTimer);
    this.gatherTimer = undefined;
    if (this.roundRunning || !this.roundWanted) return;
    this.roundRunning = true;
    this.roundWanted = false;
    void this.runRound().finally(() => {
      this.roundRunning = false;
      if (this.roundWanted) this.requestRound();
    });
  }

  private async runRound(): Promise<void> {
    const answered = () => [...this.pending].filter((p) => p.phase === "sent" || p.phase === "unknown");
    if (answered().length === 0) return;
    const floor = Math.min(...[...this.pending].map((p) => p.baselineId));
    // Only creates answered before the listing went on the wire are sure to have their key in it.
    let answeredBefore = new Set<PendingCreate>();
    let fresh: ApiKeyRecord[];
    try {
      fresh = await this.ownKeys(
        await this.listNewerThan(floor, () => {
          answeredBefore = new Set(answered());
        }),
      );
    } catch (error) {
      // The listing is safe to repeat: try again a few times, backing off, before giving up.
      let retryIn = 0;
      for (const p of answered()) {
        p.listFailures += 1;
        if (p.listFailures < this.options.maxMisses) {
          retryIn = Math.max(retryIn, 250 * 2 ** (p.listFailures - 1));
          continue;
        }
        this.pending.delete(p);
        p.settle?.(
          new CreatedKeyNotFoundError(
            `create key "${p.name}": ${p.phase === "sent" ? "the key was created but" : "the create's outcome is unknown and"} ` +
              `listing keys to find it failed ${p.listFailures} times: ${(error as Error).message}. Look for a key named ` +
              `"${p.name}" in the CometAPI console; adopt it with \`adoptKeyId\` or delete it before running the update again.`,
            "create key",
            { cause: error },
          ),
        );
      }
      if (retryIn > 0) this.requestRound(retryIn);
      return;
    }
    for (const p of answeredBefore) p.listFailures = 0;
    const groups = new Map<string, PendingCreate[]>();
    for (const p of this.pending) groups.set(p.fingerprint, [...(groups.get(p.fingerprint) ?? []), p]);
    let retryIn = 0;
    for (const [fingerprint, members] of groups) {
      // A create answered after the listing was sent may or may not be in it: the group waits
      // for the listing that round asks for.
      if (!members.every((p) => answeredBefore.has(p))) continue;
      const ready = members;
      const groupFloor = Math.min(...members.map((p) => p.baselineId));
      const candidates = fresh
        .filter(
          (r) =>
            r.id > groupFloor &&
            !this.claimed.has(r.id) &&
            fingerprintOfRecord(r) ===
              (r.unknownFields
                ? fingerprintOfFields((members[0] as PendingCreate).fields, r.unknownFields)
                : fingerprint),
        )
        .sort((a, b) => a.id - b.id);
      if (candidates.length > members.length) {
        const error = new AmbiguousKeyError(
          ready[0]?.name ?? "",
          candidates.map((r) => r.id),
        );
        for (const p of ready) {
          this.pending.delete(p);
          p.settle?.(error);
        }
        continue;
      }
      const order = [
        ...ready.filter((p) => p.phase === "sent"),
        ...ready.filter((p) => p.phase === "unknown"),
      ];
      for (const p of order) {
        const claim = candidates.find((r) => r.id > p.baselineId && !this.claimed.has(r.id));
        if (claim) {
          this.claimed.add(claim.id);
          this.pending.delete(p);
          p.settle?.(claim);
          continue;
        }
        p.misses += 1;
        if (p.phase === "sent" && p.misses >= this.options.maxMisses) {
          this.pending.delete(p);
          p.settle?.(
            new CreatedKeyNotFoundError(
              `create key "${p.name}": CometAPI accepted the create, but no matching new key appeared in ${p.misses} ` +
                `listings. Look for a key named "${p.name}" in the console; adopt it with \`adoptKeyId\` or delete it.`,
              "create key",
            ),
          );
        } else if (
          p.phase === "unknown" &&
          Date.now() - (p.unknownSince ?? 0) >= this.options.unknownOutcomeWindowMs
        ) {
          this.pending.delete(p);
          p.settle?.(
            new CreatedKeyNotFoundError(
              `create key "${p.name}": the create got no usable answer (${p.unknownCause?.message ?? "unknown"}) ` +
                `and no matching key appeared in ${p.misses} listings over ` +
                `${Math.round(this.options.unknownOutcomeWindowMs / 1000)}s. It was not sent again: it may still ` +
                `be committed late. Look for a key named "${p.name}" with an id above ${p.baselineId} in the CometAPI ` +
                "console; adopt it with `adoptKeyId` or delete it, then run the update again.",
              "create key",
              { cause: p.unknownCause },
            ),
          );
        } else {
          const grace = this.options.unknownOutcomeGraceMs;
          retryIn = Math.max(
            retryIn,
            p.phase === "unknown"
              ? Math.min(grace * 2 ** (p.misses - 1), 8 * grace)
              : 200 * 2 ** (p.misses - 1),
          );
        }
      }
    }
    if (retryIn > 0) this.requestRound(retryIn);
  }

  /** The caller's own keys among `records` (a root token lists every user's). */
  private async ownKeys(records: ApiKeyRecord[]): Promise<ApiKeyRecord[]> {
    if (records.length === 0) return records;
    const owner = await this.ownerId();
    if (owner === undefined) return records;
    return records.filter((r) => r.userId === undefined || r.userId === owner);
  }

  /**
   * Keys with an id above `floor`, newest first, paging as deep as needed; `onFirstSend` runs
   * right before the first page is sent. A key created meanwhile shifts the pages: a record seen
   * twice counts once.
   */
  private async listNewerThan(floor: number, onFirstSend: () => void): Promise<ApiKeyRecord[]> {
    const found = new Map<number, ApiKeyRecord>();
    for (let page = 1; ; page += 1) {
      const onSend = page === 1 ? onFirstSend : undefined;
      const result = await this.client.listKeys({ page, pageSize: MAX_PAGE_SIZE, onSend });
      if (page === 1 && result.items[0]) this.observeMaxId(result.items[0].id);
      for (const r of result.items) if (r.id > floor) found.set(r.id, r);
      const last = result.items.at(-1);
      if (result.items.length < MAX_PAGE_SIZE || !last || last.id <= floor) return [...found.values()];
    }
  }
}

/**
 * What the server stores for a create, in a comparable form: every stored input in normal form
 * (`storedInputs`) and the quota. `unknownToServer`: plain fields the server's records lack,
 * counted as absent (what a record of that server shows), so a key is found whatever such a field
 * was sent as. An expiry of 0 counts as none (what some builds store for "never").
 */
export function fingerprintOfFields(f: ApiKeyFields, unknownToServer: readonly KeyFieldName[] = []): string {
  const stored = storedInputs({ ...f, expiresAt: f.expiresAt <= 0 ? -1 : f.expiresAt });
  for (const name of unknownToServer) Object.assign(stored, { [name]: KEY_FIELDS[name].absent });
  return JSON.stringify([stored, f.unlimitedQuota ? 0 : f.remainingQuota]);
}

/** The same fingerprint read off a record; usage since the create is added back to the quota. */
export function fingerprintOfRecord(r: ApiKeyRecord): string {
  return fingerprintOfFields({ ...r, remainingQuota: r.remainingQuota + r.usedQuota });
}
