/**
 * `KeyRevealer`: fetches full key values, as few times as possible.
 *
 * The reveal endpoints fall under new-api's strictest limit: the "critical" bucket, 20 requests
 * per 20 minutes per IP, shared with console login, registration and 2FA (a run that spends it
 * locks the user out of the console until the window passes). So reveals are gathered into one
 * batch request (`POST /api/token/batch/keys`, up to 100 ids). The gather is driven by events,
 * not by polling:
 *
 * - a create that will need its value takes a hold (`expect()`) when it starts and lets go when
 *   it asks for the value or fails; while holds are out, a batch waits for them. A create the
 *   rate limit holds back parks its hold (batches stop waiting for it) and takes it up again when
 *   it goes on the wire, so it never keeps values that are ready from their batch;
 * - with no hold out, a batch goes once `quietMs` pass without a new reveal (each one resets it);
 * - a batch of 100 goes at once, and any batch goes `maxGatherMs` after its first reveal.
 *
 * Reveals asked for while a batch is on its way (or waiting out a 429) form the next batch. A
 * server without the batch route (404) is remembered and served one key at a time.
 */

import { HttpStatusError } from "../errors/index.js";
import type { CometApiClient } from "../service/client.js";

const MAX_BATCH = 100;

export interface KeyRevealerOptions {
  /**
   * With no create holding the batch, it goes once no new reveal was asked for during this long.
   * @default 40
   * @example { quietMs: 20 }
   */
  quietMs?: number;
  /**
   * Longest a reveal waits for others to join its batch, counted from the batch's first reveal:
   * a safety bound for holds that are out long (a create whose listing keeps missing its key).
   * At one partial batch per 120 s a run spends at most half of the 20-per-20-minutes bucket it
   * shares with console login.
   * @default 120_000
   * @example { maxGatherMs: 10_000 }
   */
  maxGatherMs?: number;
}

/** A create's claim on the next batch; see `KeyRevealer.expect`. */
export interface RevealHold {
  /** The create is held back by the rate limit: batches stop waiting for it. */
  park(): void;
  /** The create goes on the wire again: batches wait for it again. */
  resume(): void;
  /** Its value was asked for, or never will be. Later calls of any method do nothing. */
  release(): void;
}

interface Waiter {
  id: number;
  /** When the reveal was asked for (ms since epoch): its batch goes `maxGatherMs` later at the latest. */
  askedAt: number;
  resolve: (key: string) => void;
  reject: (error: Error) => void;
}

export class KeyRevealer {
  private queue: Waiter[] = [];
  private flushing = false;
  private batchSupported = true;
  private holds = 0;
  private quietTimer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private readonly quietMs: number;
  private readonly maxGatherMs: number;

  constructor(
    private readonly client: CometApiClient,
    options: KeyRevealerOptions = {},
  ) {
    this.quietMs = options.quietMs ?? 40;
    this.maxGatherMs = options.maxGatherMs ?? 120_000;
  }

  /**
   * Says a reveal is on its way (a create was started): batches wait for it while it is held and
   * not parked.
   * @example const hold = revealer.expect(); try { ... revealer.reveal(id) ... } finally { hold.release(); }
   */
  expect(): RevealHold {
    let state: "held" | "parked" | "released" = "held";
    this.take();
    const letGo = () => {
      this.holds -= 1;
      this.arm();
    };
    return {
      park: () => {
        if (state !== "held") return;
        state = "parked";
        letGo();
      },
      resume: () => {
        if (state !== "parked") return;
        state = "held";
        this.take();
      },
      release: () => {
        if (state === "held") letGo();
        state = "released";
      },
    };
  }

  private take(): void {
    this.holds += 1;
    clearTimeout(this.quietTimer);
    this.quietTimer = undefined;
  }

  /** The full value of key `id`, without `sk-`. */
  reveal(id: number): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id, askedAt: Date.now(), resolve, reject });
      clearTimeout(this.quietTimer);
      this.quietTimer = undefined;
      this.arm();
    });
  }

  /**
   * Decides, after an event, whether the batch goes now, after a quiet period, or waits (at most
   * until `maxGatherMs` after its oldest reveal; while a batch is on its way, once it returns).
   */
  private arm(): void {
    const oldest = this.queue[0];
    if (this.flushing || !oldest) return;
    this.deadlineTimer ??= setTimeout(
      () => this.flushNow(),
      Math.max(0, oldest.askedAt + this.maxGatherMs - Date.now()),
    );
    if (this.queue.length >= MAX_BATCH) this.flushNow();
    else if (this.holds === 0 && !this.quietTimer)
      this.quietTimer = setTimeout(() => this.flushNow(), this.quietMs);
  }

  private flushNow(): void {
    clearTimeout(this.quietTimer);
    clearTimeout(this.deadlineTimer);
    this.quietTimer = undefined;
    this.deadlineTimer = undefined;
    if (this.flushing || this.queue.length === 0) return;
    void this.flush();
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      await this.revealBatch(this.queue.splice(0, MAX_BATCH));
    } finally {
      this.flushing = false;
    }
    this.arm();
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
