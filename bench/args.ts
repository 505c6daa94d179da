/** Command-line flags of `npm run bench`. Pure parsing, no I/O. */
import { PHASES, type Phase } from "./minimums";

export interface BenchArgs {
  /** Key counts to run. @default [10, 100, 500] */
  sizes: number[];
  /** Emulator latency added to every /api answer, ms. @default 25 */
  latencyMs: number;
  /** Engine parallelism (`pulumi up --parallel`). @default 16 */
  parallel: number;
  /** JSON results file. @default `.bench/results-<timestamp>.json` */
  out: string | undefined;
  /** new-api's default rate limits on the emulator. @default true */
  rateLimits: boolean;
  /** Phases to run, in this order. @default all five */
  phases: Phase[];
  /** Run the same N no-op dynamic resources for the overhead ratio. @default true */
  baseline: boolean;
  /** Run the emulator's list-latency check (10,000 keys). @default true */
  listBench: boolean;
  /** Emulator with full keys in listings and no reveal routes (the [docs] build). @default false */
  unmasked: boolean;
  /** A phase still running after this many minutes is interrupted (SIGINT) and reported. @default 20 */
  phaseTimeoutMin: number;
  help: boolean;
}

export const USAGE = `usage: npm run bench -- [flags]
  --sizes 10,100,500     key counts to run (default 10,100,500)
  --latency 25           emulator latency per /api request, ms (default 25)
  --parallel 16          engine parallelism (default 16)
  --out FILE             results JSON (default .bench/results-<timestamp>.json)
  --no-rate-limits       emulator without rate limits (quick run)
  --phases LIST          subset of up,preview,refresh,update,destroy (default all, in that order)
  --no-baseline          skip the no-op dynamic resource baseline
  --no-list-bench        skip the emulator's list-latency check
  --unmasked             emulator returns full keys in listings (no reveals; the [docs] build)
  --phase-timeout 20     interrupt a phase after this many minutes and report it
  --help`;

export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = {
    sizes: [10, 100, 500],
    latencyMs: 25,
    parallel: 16,
    out: undefined,
    rateLimits: true,
    phases: [...PHASES],
    baseline: true,
    listBench: true,
    unmasked: false,
    phaseTimeoutMin: 20,
    help: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const raw = argv[i] as string;
    const [flag, inline] = raw.includes("=")
      ? [raw.slice(0, raw.indexOf("=")), raw.slice(raw.indexOf("=") + 1)]
      : [raw, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) throw new Error(`${flag} needs a value\n${USAGE}`);
      i += 1;
      return next;
    };
    switch (flag) {
      case "--sizes":
        args.sizes = value()
          .split(",")
          .map((s) => positiveInt(s, flag));
        break;
      case "--latency":
        args.latencyMs = nonNegativeInt(value(), flag);
        break;
      case "--parallel":
        args.parallel = positiveInt(value(), flag);
        break;
      case "--out":
        args.out = value();
        break;
      case "--no-rate-limits":
        args.rateLimits = false;
        break;
      case "--phases": {
        const wanted = value()
          .split(",")
          .map((s) => s.trim());
        for (const p of wanted) {
          if (!(PHASES as readonly string[]).includes(p)) throw new Error(`--phases: unknown phase "${p}"`);
        }
        args.phases = PHASES.filter((p) => wanted.includes(p));
        break;
      }
      case "--no-baseline":
        args.baseline = false;
        break;
      case "--no-list-bench":
        args.listBench = false;
        break;
      case "--unmasked":
        args.unmasked = true;
        break;
      case "--phase-timeout":
        args.phaseTimeoutMin = positiveInt(value(), flag);
        break;
      case "--help":
      case "-h":
        args.help = true;
        break;
      default:
        throw new Error(`unknown flag ${raw}\n${USAGE}`);
    }
  }
  return args;
}

function nonNegativeInt(text: string, flag: string): number {
  const n = Number(text.trim());
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag}: expected a whole number ≥ 0, got "${text}"`);
  return n;
}

function positiveInt(text: string, flag: string): number {
  const n = nonNegativeInt(text, flag);
  if (n === 0) throw new Error(`${flag}: expected a whole number ≥ 1, got "${text}"`);
  return n;
}
