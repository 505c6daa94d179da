/**
 * `KeySnapshot`: one paged listing of all keys, shared by the reads of a refresh.
 *
 * `pulumi refresh` reads every key; one GET each would spend the service's rate limit (new-api:
 * 180 requests per 180 s) on a few hundred keys. Instead, reads that arrive together share one
 * listing (⌈keys/100⌉ requests). A read alone gets one GET. A key missing from the listing is
 * confirmed with a GET before it is reported gone, and this process's own writes update the
 * snapshot, so it never serves its own stale data.
 */
import type { ApiKeyRecord, CometApiClient } from "./client.js";
import { MAX_PAGE_SIZE } from "./client.js";
import { KeyNotFoundError } from "./errors.js";

export interface KeySnapshotOptions {
  /**
   * How long a listing serves later reads.
   * @default 30_000
   * @example { ttlMs: 0 } // every read wave lists again
   */
  ttlMs?: number;
  /**
   * How long the first read waits for others before deciding between one GET and a listing.
   * @default 25
   * @example { gatherMs: 5 }
   */
  gatherMs?: number;
}

interface Listing {
  takenAt: number;
  byId: Promise<Map<number, ApiKeyRecord>>;
}

export class KeySnapshot {
  private readonly ttlMs: number;
  private readonly gatherMs: number;
  private listing: Listing | undefined;
  private gathering: { count: number; decided: Promise<boolean> } | undefined;

  constructor(
    private readonly client: CometApiClient,
    options: KeySnapshotOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.gatherMs = options.gatherMs ?? 25;
  }

  /**
   * The live record of key `id`, or undefined when it no longer exists. `maxAgeMs` asks for a
   * fresher listing than the snapshot's TTL (updates use a few seconds: "read just before").
   */
  async find(id: number, options: { maxAgeMs?: number } = {}): Promise<ApiKeyRecord | undefined> {
    const listing = await this.currentListing(Math.min(options.maxAgeMs ?? this.ttlMs, this.ttlMs));
    const listed = listing ? (await listing.byId).get(id) : undefined;
    if (listed) return listed;
    try {
      return await this.client.getKey(id);
    } catch (error) {
      if (error instanceof KeyNotFoundError) return undefined;
      throw error;
    }
  }

  /** Records this process's own write. */
  remember(record: ApiKeyRecord): void {
    void this.listing?.byId.then((byId) => byId.set(record.id, record)).catch(() => undefined);
  }

  /** Records this process's own delete. */
  forget(id: number): void {
    void this.listing?.byId.then((byId) => byId.delete(id)).catch(() => undefined);
  }

  /** A fresh listing to read from, or undefined when this read is alone and should GET. */
  private async currentListing(maxAgeMs: number): Promise<Listing | undefined> {
    if (this.listing && Date.now() - this.listing.takenAt <= maxAgeMs) return this.listing;
    if (!this.gathering) {
      const gathering = {
        count: 0,
        decided: new Promise<boolean>((resolve) =>
          setTimeout(() => resolve(gathering.count > 1), this.gatherMs),
        ),
      };
      this.gathering = gathering;
      void gathering.decided.then(() => {
        if (this.gathering === gathering) this.gathering = undefined;
      });
    }
    const gathering = this.gathering;
    gathering.count += 1;
    if (!(await gathering.decided)) return undefined;
    if (!this.listing || Date.now() - this.listing.takenAt > maxAgeMs) {
      const listing: Listing = { takenAt: Date.now(), byId: this.listAll() };
      listing.byId.catch(() => {
        if (this.listing === listing) this.listing = undefined;
      });
      this.listing = listing;
    }
    return this.listing;
  }

  private async listAll(): Promise<Map<number, ApiKeyRecord>> {
    const first = await this.client.listKeys({ page: 1, pageSize: MAX_PAGE_SIZE });
    const pages = Math.ceil(first.total / MAX_PAGE_SIZE);
    const rest = await Promise.all(
      Array.from({ length: Math.max(0, pages - 1) }, (_, i) =>
        this.client.listKeys({ page: i + 2, pageSize: MAX_PAGE_SIZE }),
      ),
    );
    const byId = new Map<number, ApiKeyRecord>();
    for (const page of [first, ...rest]) for (const record of page.items) byId.set(record.id, record);
    return byId;
  }
}
