/**
 * The emulator's clock. With a fixed start (`clock` option) it is frozen and moves only when
 * told to; otherwise it follows real time plus an offset that `advance`/`set` adjust.
 */
export class EmulatorClock {
  private frozenMs: number | undefined;
  private offsetMs = 0;

  constructor(private readonly startUnixSeconds?: number) {
    this.reset();
  }

  /** Current time in milliseconds. */
  nowMs(): number {
    return this.frozenMs ?? Date.now() + this.offsetMs;
  }

  /** Current time in whole unix seconds (what records carry). */
  now(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  advance(seconds: number): number {
    if (this.frozenMs !== undefined) this.frozenMs += seconds * 1000;
    else this.offsetMs += seconds * 1000;
    return this.now();
  }

  set(unixSeconds: number): number {
    if (this.frozenMs !== undefined) this.frozenMs = unixSeconds * 1000;
    else this.offsetMs = unixSeconds * 1000 - Date.now();
    return this.now();
  }

  reset(): void {
    this.offsetMs = 0;
    this.frozenMs = this.startUnixSeconds === undefined ? undefined : this.startUnixSeconds * 1000;
  }
}
