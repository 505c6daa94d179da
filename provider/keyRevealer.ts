/**
 * `KeyRevealer`: fetches full key values, as few times as possible.
 *
 * The reveal endpoints are the service's most tightly rate-limited (new-api: 20 per 20 minutes
 * per IP), so every reveal requested while another is in flight, or while creates of this
 * process are still being sent or resolved (up to a second), goes into one batch request
 * (`POST /api/token/batch/keys`, up to 100 ids). A server without the batch
 * route (404) is remembered and served one key at a time.
 */
import type { CometApiClient } from "./client.js";
import { HttpStatusError } from "./errors.js";

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
   * Longest a reveal waits for others to join its batch.
   * @default 1_000
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
  private readonly waitWhile: () => boolean;
  private readonly maxGatherMs: number;

  constructor(
    private readonly client: CometApiClient,
    options: KeyRevealerOptions = {},
  ) {
    this.waitWhile = options.waitWhile ?? (() => false);
    this.maxGatherMs = options.maxGatherMs ?? 1_000;
  }

  /** The full value of key `id`, without `sk-`. */
  reveal(id: number): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushing || this.scheduled) return;
    this.scheduled = true;
    const started = Date.now();
    const tick = () => {
      const gathering = Date.now() - started < this.maxGatherMs && this.queue.length < MAX_BATCH;
      if (gathering && this.waitWhile()) {
        setTimeout(tick, 10);
        return;
      }
      this.scheduled = false;
      void this.flush();
    };
    setImmediate(tick);
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
