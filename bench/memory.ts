/**
 * Peak memory of the dynamic-provider processes this bench starts. The engine runs the plugin
 * `pulumi-resource-pulumi-nodejs`, which starts `node …/@pulumi/pulumi/cmd/dynamic-provider`; the
 * sampler polls `/proc` every `intervalMs` for processes whose command line mentions
 * `dynamic-provider` and that descend from this process (so other users' engines do not count),
 * and keeps the largest `VmHWM` (the kernel's own peak-RSS watermark, so a peak between two
 * samples is not missed; only the last interval of a process's life is).
 */
import { readdirSync, readFileSync } from "node:fs";

export const MEMORY_METHOD =
  "max VmHWM (kernel peak-RSS watermark) of node dynamic-provider processes descending from the bench, sampled from /proc every 100 ms";

export class ProviderMemorySampler {
  private timer: NodeJS.Timeout | undefined;
  private peakKb = 0;
  private readonly seen = new Set<number>();

  constructor(private readonly intervalMs = 100) {}

  /** Starts a fresh measurement. */
  start(): void {
    this.stop();
    this.peakKb = 0;
    this.seen.clear();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops and returns the peak (kB) and how many provider processes were seen. */
  stop(): { peakKb: number; processes: number } {
    if (this.timer) {
      this.sample();
      clearInterval(this.timer);
      this.timer = undefined;
    }
    return { peakKb: this.peakKb, processes: this.seen.size };
  }

  private sample(): void {
    if (process.platform !== "linux") return;
    let pids: string[];
    try {
      pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
    } catch {
      return;
    }
    for (const pidText of pids) {
      const pid = Number(pidText);
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        if (!cmdline.includes("dynamic-provider") || !descendsFrom(pid, process.pid)) continue;
        const status = readFileSync(`/proc/${pid}/status`, "utf8");
        const hwm = /VmHWM:\s+(\d+)\s+kB/.exec(status);
        if (!hwm) continue;
        this.seen.add(pid);
        this.peakKb = Math.max(this.peakKb, Number(hwm[1]));
      } catch {
        // the process ended between listing and reading
      }
    }
  }
}

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may contain spaces and parentheses): state ppid …
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(rest[1]);
}

function descendsFrom(pid: number, ancestor: number): boolean {
  let current = pid;
  for (let depth = 0; depth < 32 && current > 1; depth += 1) {
    current = parentOf(current);
    if (current === ancestor) return true;
  }
  return false;
}
