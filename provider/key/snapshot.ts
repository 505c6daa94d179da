/**
 * `KeySnapshot`: the reads of many keys, served by as few requests as possible.
 *
 * `pulumi refresh` reads every key, and an update reads its key's live quota first; one GET each
 * would spend the service's rate limit (new-api: 180 or 360 requests per 180 s, by build) on a few hundred keys.
 * Reads are served by group commit instead: at most one round is in flight, and the reads that
 * arrive meanwhile form the next round, which starts as soon as it returns (no timer decides
 * what joins). A round of one key is a GET (so a refresh costs one GET, for the read the engine
 * starts first, plus ⌈keys/100⌉ listing pages for all the others); a larger round lists the keys
 * unless a GET each is cheaper. A complete listing serves later reads for `ttlMs`, and `fresh`
 * reads (an update's live quota) for 2 s: the engine hands updates out one by one, so a lone
 * update on an account of up to 200 keys lists instead of GETting, and the updates of the next
 * 2 s share that listing (usage that lands after it is taken off again by the update). A key
 * missing from a listing is confirmed with a GET before it is reported gone, and this process's
 * own writes update the cached listing, so it never serves its own stale data.
 */

import { KeyNotFoundError } from "../errors/index.js";
import type { ApiKeyRecord, CometApiClient } from "../service/client.js";
import { MAX_PAGE_SIZE } from "../service/client.js";

export interface KeySnapshotOptions {
  /**
   * How long a listing serves later reads that are not `fresh`.
   * @default 30_000
   * @example { ttlMs: 0 } // every read joins a new round
   */
  ttlMs?: number;
}

/** How old (since its first page was sent) a listing may be to serve a `fresh` read. */
const FRESH_READ_MAX_AGE_MS = 2_000;

/** A lone `fresh` read lists instead of GETting when the account has at most this many pages. */
const LONE_FRESH_READ_MAX_PAGES = 2;

interface Listing {
  takenAt: number;
  byId: Map<number, ApiKeyRecord>;
}

interface Round {
  readonly ids: Set<number>;
  /** Some read of the round must not be served by an earlier listing. */
  fresh: boolean;
  readonly done: Promise<Map<number, ApiKeyRecord | undefined>>;
  start(): void;
}

export class KeySnapshot {
  private readonly ttlMs: number;
  private listing: Listing | undefined;
  private running: Round | undefined;
  private next: Round | undefined;
  /** Keys in the account at the last listing: decides whether a round lists or GETs. */
  private lastTotal: number | undefined;

  constructor(
    private readonly client: CometApiClient,
    options: KeySnapshotOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
  }

  /**
   * The live record of key `id`, or undefined when it no longer exists. `fresh` asks for a read
   * at most 2 s old (an update's "read just before"); otherwise a listing up to `ttlMs` old
   * serves.
   */
  async find(id: number, options: { fresh?: boolean } = {}): Promise<ApiKeyRecord | undefined> {
    const cached = this.listing;
    if (cached && this.serves(cached, options.fresh === true)) {
      const listed = cached.byId.get(id);
      if (listed) return listed;
      return this.getOrUndefined(id);
    }
    const byId = await this.join(id, options.fresh === true).done;
    return byId.has(id) ? byId.get(id) : this.getOrUndefined(id);
  }

  /** Records this process's own write. */
  remember(record: ApiKeyRecord): void {
    this.listing?.byId.set(record.id, record);
  }

  /** Records this process's own delete. */
  forget(id: number): void {
    this.listing?.byId.delete(id);
  }

  /** Adds `id` to the next round, starting it now when no round is in flight. */
  private join(id: number, fresh: boolean): Round {
    this.next ??= this.newRound();
    const round = this.next;
    round.ids.add(id);
    round.fresh ||= fresh;
    if (!this.running) this.startNext();
    return round;
  }

  private startNext(): void {
    const round = this.next;
    if (!round) return;
    this.next = undefined;
    this.running = round;
    round.start();
    const next = () => {
      this.running = undefined;
      this.startNext();
    };
    round.done.then(next, next);
  }

  /**
   * A round, served the cheapest way it can be: from a listing recent enough for it (taken while
   * it waited); by a GET for a lone key, or a GET each when the last listing showed more pages
   * than the round has keys, unless it is `fresh` and the account small; else by a listing,
   * stopping after page 1 when GETs for the keys not on it cost less than the other pages. `done` maps ids to records; a key a GET found gone maps to undefined.
   */
  private newRound(): Round {
    let start = () => {};
    const done = new Promise<Map<number, ApiKeyRecord | undefined>>((resolve, reject) => {
      start = () => void this.serve(round).then(resolve, reject);
    });
    done.catch(() => undefined);
    const round: Round = { ids: new Set<number>(), fresh: false, done, start: () => start() };
    return round;
  }

  private async serve(round: Round): Promise<Map<number, ApiKeyRecord | undefined>> {
    const cached = this.listing;
    if (cached && this.serves(cached, round.fresh)) return cached.byId;
    const ids = [...round.ids];
    // A fresh round on a small account lists whatever it costs: the listing serves the next 2 s.
    const listsAnyway = (pages: number) => round.fresh && pages <= LONE_FRESH_READ_MAX_PAGES;
    const knownPages = Math.max(1, Math.ceil((this.lastTotal ?? 0) / MAX_PAGE_SIZE));
    if (!listsAnyway(knownPages) && (ids.length === 1 || knownPages > ids.length)) return this.getEach(ids);
    let takenAt = Date.now();
    const onSend = () => {
      takenAt = Date.now();
    };
    const first = await this.client.listKeys({ page: 1, pageSize: MAX_PAGE_SIZE, onSend });
    this.lastTotal = first.total;
    const listed = new Map(first.items.map((r) => [r.id, r]));
    const pages = Math.ceil(first.total / MAX_PAGE_SIZE);
    const missing = ids.filter((id) => !listed.has(id));
    if (pages > 1 && !listsAnyway(pages) && pages - 1 > missing.length) {
      return new Map([...listed, ...(await this.getEach(missing))]);
    }
    const rest = await Promise.all(
      Array.from({ length: Math.max(0, pages - 1) }, (_, i) =>
        this.client.listKeys({ page: i + 2, pageSize: MAX_PAGE_SIZE }),
      ),
    );
    for (const page of rest) for (const record of page.items) listed.set(record.id, record);
    this.listing = { takenAt, byId: listed };
    return listed;
  }

  /** Whether `listing` is recent enough for a read (`fresh` or not). */
  private serves(listing: Listing, fresh: boolean): boolean {
    const maxAge = fresh ? Math.min(FRESH_READ_MAX_AGE_MS, this.ttlMs) : this.ttlMs;
    return Date.now() - listing.takenAt <= maxAge;
  }

  private async getEach(ids: number[]): Promise<Map<number, ApiKeyRecord | undefined>> {
    const records = await Promise.all(ids.map((id) => this.getOrUndefined(id)));
    return new Map(ids.map((id, i) => [id, records[i]]));
  }

  private async getOrUndefined(id: number): Promise<ApiKeyRecord | undefined> {
    try {
      return await this.client.getKey(id);
    } catch (error) {
      if (error instanceof KeyNotFoundError) return undefined;
      throw error;
    }
  }
}
