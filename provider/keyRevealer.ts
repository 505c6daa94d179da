/**
 * `KeyRevealer`: fetches full key values, as few times as possible.
 *
 * The reveal endpoints are the service's most tightly rate-limited (new-api: 20 per 20 minutes
 * per IP): a reveal spent on one key is a reveal not spent on a hundred. So reveals are gathered
 * into one batch request (`POST /api/token/batch/keys`, up to 100 ids): a batch goes out once no
 * create of this process is being sent or resolved and no other reveal was asked for during a
 * short quiet period (creates arrive one by one when the engine starts them one by one), and at
 * the latest after `maxGatherMs`. Reveals asked for while a batch is on its way (or waiting out a
 * 429) form the next batch. A server without the batch route (404) is remembered and served one
 * key at a time.
 */
import type { CometApiClient } from "./client.js";
import { HttpStatusError } from "./errors.js";
import { whenQuiet } from "./whenQuiet.js";

const MAX_BATCH = 100;

export interface KeyRevealerOptions {
  /**
   * While this says more reveals are coming (creates still being sent or resolved), a batch
   * waits for them, up to `maxGatherMs`.
   * @default () => false
   * @example { waitWhile: () => resolver.busy }
   */
  waitWhile?: () => boolean;
  /**
   * A batch waits until no other reveal was asked for during this long (and `waitWhile` is false).
   * @default 40
   * @example { quietMs: 20 }
   */
  quietMs?: number;
  /**
   * Longest a reveal waits for others to join its batch. Waiting only lasts while reveals or
   * creates keep coming, so a lone key pays just `quietMs`; when creates are slow (held back by
   * the rate limit) a reveal saved is worth up to 20 minutes (the service allows 20 per 20
   * minutes), so the default is the HTTP retry budget, within which every create finishes.
   * @default 300_000
   * @example { maxGatherMs: 200 }
   */
  maxGatherMs?: number;
}

interface Waiter {
  id: number;
  resolve: (key: string) => void;
  reject: (error: Error) => void;
}

export class KeyRevealer {
  private queue: Waiter[] = [];
  private flushing = false;
  private scheduled = false;
  private batchSupported = true;
  private lastAskedAt = 0;
  private readonly waitWhile: () => boolean;
  private readonly quietMs: number;
  private readonly maxGatherMs: number;

  constructor(
    private readonly client: CometApiClient,
    options: KeyRevealerOptions = {},
  ) {
    this.waitWhile = options.waitWhile ?? (() => false);
    this.quietMs = options.quietMs ?? 40;
    this.maxGatherMs = options.maxGatherMs ?? 300_000;
  }

  /** The full value of key `id`, without `sk-`. */
  reveal(id: number): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id, resolve, reject });
      this.lastAskedAt = Date.now();
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushing || this.scheduled) return;
    this.scheduled = true;
    const moreComing = () =>
      this.queue.length < MAX_BATCH && (this.waitWhile() || Date.now() - this.lastAskedAt < this.quietMs);
    // First look after this tick: reveals asked for in the same tick always share the batch.
    setImmediate(() =>
      whenQuiet(moreComing, this.maxGatherMs, () => {
        this.scheduled = false;
        void this.flush();
      }),
    );
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        await this.revealBatch(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async revealBatch(batch: Waiter[]): Promise<void> {
    if (this.batchSupported && batch.length > 1) {
      try {
        const keys = await this.client.revealKeys(batch.map((w) => w.id));
        const missing: Waiter[] = [];
        for (const w of batch) {
          const key = keys.get(w.id);
          if (key) w.resolve(key);
          else missing.push(w);
        }
        await this.revealOneByOne(missing);
        return;
      } catch (error) {
        if (!(error instanceof HttpStatusError && error.status === 404)) {
          for (const w of batch) w.reject(error as Error);
          return;
        }
        this.batchSupported = false;
      }
    }
    await this.revealOneByOne(batch);
  }

  private async revealOneByOne(batch: Waiter[]): Promise<void> {
    for (const w of batch) {
      try {
        w.resolve(await this.client.revealKey(w.id));
      } catch (error) {
        w.reject(error as Error);
      }
    }
  }
}
