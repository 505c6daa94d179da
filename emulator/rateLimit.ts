/**
 * Sliding-window rate limiting, keyed by an arbitrary bucket name (IP or user). Refused
 * requests are not recorded, so a client that waits out the window gets through again.
 * Time comes from the emulator clock, so tests can move past a window instantly.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  /** Records a hit and returns true when allowed; returns false (and records nothing) when over. */
  take(bucket: string, max: number, windowMs: number, nowMs: number): boolean {
    let list = this.hits.get(bucket);
    if (!list) {
      list = [];
      this.hits.set(bucket, list);
    }
    const cutoff = nowMs - windowMs;
    let drop = 0;
    while (drop < list.length && (list[drop] as number) <= cutoff) drop++;
    if (drop > 0) list.splice(0, drop);
    if (list.length >= max) return false;
    list.push(nowMs);
    return true;
  }

  reset(): void {
    this.hits.clear();
  }
}
