/**
 * `npm run bench`: the request economy and speed of the CometApiKey provider through the real
 * Pulumi engine (Automation API, local file backend) against the emulator with per-request
 * latency and new-api's default rate limits. Not part of the test suite.
 *
 * For each N: `up`, no-op `preview`, `refresh`, an update touching every key (models [] →
 * ["gpt-4o-mini"]: a non-quota change), `destroy`. Per phase: wall time, HTTP requests by route
 * (the emulator's counters), requests ÷ the theoretical minimum, 429s, peak RSS of the provider
 * process, and the ideal time the rate limits allow. Then the same N no-op dynamic resources
 * through the same engine (provider overhead as a ratio), serialized provider bytes per
 * resource, state bytes per key. Results go to a JSON file too (`--out`, default
 * `.bench/results-<timestamp>.json`).
 *
 * Formulas for the minimum and the ideal schedule: see `minimums.ts`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import {
  DEFAULT_RATE_LIMITS,
  type RequestCounts,
  type RunningEmulator,
  startEmulator,
} from "../emulator/index";
import { CometApiKey } from "../sdk/index";
import { type BenchArgs, parseArgs, USAGE } from "./args";
import { type BenchStack, createBenchStack, repoRoot } from "./engine";
import { MEMORY_METHOD, ProviderMemorySampler } from "./memory";
import {
  idealSchedule,
  minimumRequests,
  type Phase,
  pagesFor,
  requestRatio,
  requestTarget,
  type ScheduleLimits,
} from "./minimums";
import { NoopResource } from "./noopResource";

interface PhaseResult {
  phase: Phase;
  ok: boolean;
  error?: string;
  wallMs: number;
  /** Resource changes the engine reported (op → count, "same" left out). */
  changes: Record<string, number>;
  requests: RequestCounts;
  totalRequests: number;
  /** Requests not answered 429. */
  answered: number;
  rateLimited: number;
  minimum: number;
  ratio: number;
  target?: number;
  idealMs?: number;
  peakRssKb: number;
  providerProcesses: number;
}

interface RunResult {
  kind: "cometapi" | "noop";
  n: number;
  phases: PhaseResult[];
  stateBytes?: number;
  stateBytesPerKey?: number;
  providerBytesPerResource?: number;
}

interface SizeResult {
  n: number;
  cometapi: RunResult;
  baseline?: RunResult;
  /** The no-op baseline again, its stored provider padded to the size of ours. */
  sizeMatchedBaseline?: RunResult;
  /** Ideal duration of the executed phase sequence, ms. */
  idealTotalMs: number;
  /** Wall time of the executed phase sequence, ms. */
  wallTotalMs: number;
  keysLeftAfterDestroy?: number;
}

interface ListBench {
  keys: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  line: string;
}

const ROUTE_LABELS: Record<string, string> = {
  "POST /api/token/": "create",
  "GET /api/token/": "list",
  "POST /api/token/batch/keys": "reveal-batch",
  "POST /api/token/:id/key": "reveal",
  "GET /api/token/:id": "get",
  "PUT /api/token/": "put",
  "DELETE /api/token/:id": "delete",
  "GET /api/token/search": "search",
};

const root = repoRoot();
const startedAt = new Date();
const logDir = join(root, ".bench", "logs");

/**
 * The N resources of the program; `variant` 1 is the update touching every key; `paddingBytes`
 * pads the no-op's stored provider.
 */
const spec = { n: 0, variant: 0, paddingBytes: 0 };

function keysProgram(): Promise<Record<string, unknown>> {
  for (let i = 0; i < spec.n; i += 1) {
    new CometApiKey(`key-${i}`, { quota: 1_000_000, models: spec.variant === 0 ? [] : ["gpt-4o-mini"] });
  }
  return Promise.resolve({});
}

function noopProgram(): Promise<Record<string, unknown>> {
  for (let i = 0; i < spec.n; i += 1) new NoopResource(`noop-${i}`, spec.variant, spec.paddingBytes);
  return Promise.resolve({});
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function changesOf(summary: Record<string, number | undefined> | undefined): Record<string, number> {
  return Object.fromEntries(
    Object.entries(summary ?? {}).filter(([op, count]) => op !== "same" && (count ?? 0) > 0),
  ) as Record<string, number>;
}

async function runPhase(
  b: BenchStack,
  phase: Phase,
  parallel: number,
  log: string,
  signal: AbortSignal,
): Promise<Record<string, number>> {
  const onOutput = (text: string) => appendFileSync(log, text);
  appendFileSync(log, `\n===== ${phase} (${new Date().toISOString()}) =====\n`);
  switch (phase) {
    case "up":
      spec.variant = 0;
      return changesOf((await b.stack.up({ parallel, onOutput, signal })).summary.resourceChanges);
    case "preview":
      return changesOf((await b.stack.preview({ parallel, onOutput, signal })).changeSummary);
    case "refresh":
      return changesOf((await b.stack.refresh({ parallel, onOutput, signal })).summary.resourceChanges);
    case "update":
      spec.variant = 1;
      return changesOf((await b.stack.up({ parallel, onOutput, signal })).summary.resourceChanges);
    case "destroy":
      return changesOf((await b.stack.destroy({ parallel, onOutput, signal })).summary.resourceChanges);
  }
}

function sumRequests(counts: RequestCounts, onlyApi = true): { total: number; rateLimited: number } {
  let total = 0;
  let rateLimited = 0;
  for (const [route, c] of Object.entries(counts)) {
    if (onlyApi && !route.includes(" /api/")) continue;
    total += c.total;
    rateLimited += c.byStatus["429"] ?? 0;
  }
  return { total, rateLimited };
}

function checkpointSizes(b: BenchStack, n: number, typeSuffix: string) {
  if (!existsSync(b.checkpointPath)) return {};
  const text = readFileSync(b.checkpointPath, "utf8");
  const parsed = JSON.parse(text) as {
    checkpoint?: { latest?: { resources?: { type: string; inputs?: { __provider?: string } }[] } };
  };
  const resources = parsed.checkpoint?.latest?.resources ?? [];
  const mine = resources.filter((r) => r.type.endsWith(typeSuffix));
  const providerBytes = mine.map((r) => Buffer.byteLength(r.inputs?.__provider ?? ""));
  const stateBytes = statSync(b.checkpointPath).size;
  return {
    stateBytes,
    stateBytesPerKey: n > 0 ? Math.round(stateBytes / n) : undefined,
    providerBytesPerResource: providerBytes.length > 0 ? Math.max(...providerBytes) : undefined,
  };
}

async function runStack(
  kind: "cometapi" | "noop",
  n: number,
  args: BenchArgs,
  emu: RunningEmulator | undefined,
  paddingBytes = 0,
): Promise<RunResult> {
  spec.n = n;
  spec.variant = 0;
  spec.paddingBytes = paddingBytes;
  const project = kind === "cometapi" ? "cometapi-bench" : "noop-bench";
  const stackName = `n${n}-${Date.now().toString(36)}`;
  const log = join(logDir, `${project}-${stackName}.log`);
  const config: Record<string, { value: string; secret?: boolean }> = emu
    ? {
        "cometapi:accessToken": { value: emu.accessToken, secret: true },
        "cometapi:baseUrl": { value: emu.url },
        "cometapi:userId": { value: String(emu.userId) },
      }
    : {};
  const b = await createBenchStack(
    project,
    stackName,
    kind === "cometapi" ? keysProgram : noopProgram,
    config,
  );
  const sampler = new ProviderMemorySampler();
  const result: RunResult = { kind, n, phases: [] };
  let upFailed = false;
  try {
    for (const phase of args.phases) {
      if (upFailed && phase !== "destroy") continue;
      await emu?.control.resetCounts();
      sampler.start();
      const t0 = performance.now();
      let changes: Record<string, number> = {};
      let error: string | undefined;
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), args.phaseTimeoutMin * 60_000);
      try {
        changes = await runPhase(b, phase, args.parallel, log, abort.signal);
      } catch (e) {
        error = ((e as Error).message ?? String(e)).split("\n").slice(0, 6).join(" ").slice(0, 600);
        if (abort.signal.aborted)
          error = `interrupted after ${args.phaseTimeoutMin} min (--phase-timeout); ${error}`;
        if (phase === "up") upFailed = true;
      } finally {
        clearTimeout(timer);
      }
      const wallMs = performance.now() - t0;
      const mem = sampler.stop();
      const requests = emu ? await emu.control.requestCounts() : {};
      const { total, rateLimited } = sumRequests(requests);
      const minimum = kind === "cometapi" ? minimumRequests(phase, n) : 0;
      const r: PhaseResult = {
        phase,
        ok: error === undefined,
        ...(error === undefined ? {} : { error }),
        wallMs: Math.round(wallMs),
        changes,
        requests,
        totalRequests: total,
        answered: total - rateLimited,
        rateLimited,
        minimum,
        ratio: requestRatio(total - rateLimited, minimum),
        ...(kind === "cometapi" && requestTarget(phase, n) !== undefined
          ? { target: requestTarget(phase, n) }
          : {}),
        peakRssKb: mem.peakKb,
        providerProcesses: mem.processes,
      };
      result.phases.push(r);
      if (phase === "up")
        Object.assign(result, checkpointSizes(b, n, kind === "cometapi" ? "CometApiKey" : "Noop"));
      say(
        `  [${kind} N=${n}] ${phase.padEnd(7)} ${(wallMs / 1000).toFixed(1).padStart(7)} s  ` +
          (kind === "cometapi"
            ? `${total} req (${routeSummary(requests)}), min ${minimum}, 429s ${rateLimited}  `
            : "") +
          `peak RSS ${(mem.peakKb / 1024).toFixed(0)} MB  ${JSON.stringify(changes)}${error ? `  FAILED: ${error}` : ""}`,
      );
    }
  } finally {
    if (upFailed || !args.phases.includes("destroy")) {
      await b.stack.destroy({ parallel: args.parallel }).catch(() => undefined);
    }
    await b.cleanup();
  }
  return result;
}

function routeSummary(counts: RequestCounts): string {
  const parts = Object.entries(counts)
    .filter(([route]) => route.includes(" /api/"))
    .sort((a, b) => b[1].total - a[1].total)
    .map(([route, c]) => {
      const limited = c.byStatus["429"] ?? 0;
      return `${ROUTE_LABELS[route] ?? route} ${c.total}${limited ? ` (${limited}×429)` : ""}`;
    });
  return parts.length > 0 ? parts.join(", ") : "none";
}

function runListBench(): ListBench | undefined {
  const script = join(root, "dist", "emulator", "bench.js");
  const run = spawnSync(process.execPath, [script, "10000", "500"], { encoding: "utf8", timeout: 300_000 });
  const line = (run.stdout ?? "").trim();
  const m = /p50 ([\d.]+) ms, p95 ([\d.]+) ms, p99 ([\d.]+) ms, max ([\d.]+) ms/.exec(line);
  if (run.status !== 0 || !m) {
    say(`emulator list bench failed: ${run.stderr?.trim() ?? run.error?.message}`);
    return undefined;
  }
  return {
    keys: 10_000,
    p50Ms: Number(m[1]),
    p95Ms: Number(m[2]),
    p99Ms: Number(m[3]),
    maxMs: Number(m[4]),
    line,
  };
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? "—" : (ms / 1000).toFixed(1);
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(" | ")} |`;
  const sep = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  return [line(rows[0] ?? []), sep, ...rows.slice(1).map(line)].join("\n");
}

function sizeTable(s: SizeResult): string {
  const rows: string[][] = [
    [
      "phase",
      "wall s",
      "ideal s",
      "no-op s",
      "× no-op",
      "requests by route",
      "req",
      "min",
      "req/min",
      "429s",
      "peak RSS MB",
    ],
  ];
  for (const p of s.cometapi.phases) {
    const base = s.baseline?.phases.find((q) => q.phase === p.phase);
    rows.push([
      p.ok ? p.phase : `${p.phase} (FAILED)`,
      seconds(p.wallMs),
      seconds(p.idealMs),
      seconds(base?.wallMs),
      base ? (p.wallMs / base.wallMs).toFixed(2) : "—",
      routeSummary(p.requests),
      String(p.totalRequests),
      String(p.minimum),
      p.minimum === 0 ? (p.answered === 0 ? "—" : "∞") : p.ratio.toFixed(2),
      String(p.rateLimited),
      (p.peakRssKb / 1024).toFixed(0),
    ]);
  }
  const base = s.baseline?.phases.reduce((sum, p) => sum + p.wallMs, 0);
  rows.push([
    "total",
    seconds(s.wallTotalMs),
    seconds(s.idealTotalMs),
    seconds(base),
    base ? (s.wallTotalMs / base).toFixed(2) : "—",
    "",
    String(s.cometapi.phases.reduce((a, p) => a + p.totalRequests, 0)),
    String(s.cometapi.phases.reduce((a, p) => a + p.minimum, 0)),
    "",
    String(s.cometapi.phases.reduce((a, p) => a + p.rateLimited, 0)),
    "",
  ]);
  return table(rows);
}

/** Our wall time against the no-op whose stored provider is as large as ours, total and per phase. */
function sizeMatchedLine(s: SizeResult, matched: RunResult): string {
  const ratios = s.cometapi.phases.map((p) => {
    const q = matched.phases.find((m) => m.phase === p.phase);
    return q ? `${p.phase} ${(p.wallMs / q.wallMs).toFixed(2)}×` : `${p.phase} —`;
  });
  const total = matched.phases.reduce((a, p) => a + p.wallMs, 0);
  return (
    `against a no-op storing a provider as large as ours (${matched.providerBytesPerResource ?? "?"} B, ` +
    `state ${matched.stateBytesPerKey ?? "?"} B/resource): ${seconds(total)} s, ` +
    `${(s.wallTotalMs / total).toFixed(2)}× in total (${ratios.join(", ")})`
  );
}

interface TargetCheck {
  target: string;
  met: boolean | "n/a";
  detail: string;
}

function checkTargets(sizes: SizeResult[], args: BenchArgs, list: ListBench | undefined): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const s of sizes) {
    for (const p of s.cometapi.phases) {
      if (p.target === undefined) continue;
      const label = p.phase === "up" ? "create N keys" : p.phase === "refresh" ? "refresh" : "no-op preview";
      checks.push({
        target: `${label}, N=${s.n}: ≤ ${p.target} requests (429 retries apart)`,
        met: p.ok && p.answered <= p.target,
        detail: `${p.answered} answered + ${p.rateLimited} × 429 (${routeSummary(p.requests)})`,
      });
    }
  }
  const big = sizes.find((s) => s.n === 500);
  if (big && args.rateLimits) {
    const wanted: Phase[] = ["up", "refresh", "destroy"];
    const executed = big.cometapi.phases.filter((p) => wanted.includes(p.phase));
    const wall = executed.reduce((a, p) => a + p.wallMs, 0);
    const ideal = executed.reduce((a, p) => a + (p.idealMs ?? 0), 0);
    checks.push({
      target: "N=500 up+refresh+destroy within 1.2× the ideal schedule",
      met: executed.length === 3 && executed.every((p) => p.ok) && wall <= 1.2 * ideal,
      detail: `${seconds(wall)} s vs ideal ${seconds(ideal)} s = ${(wall / ideal).toFixed(2)}× (phases run: ${big.cometapi.phases
        .map((p) => p.phase)
        .join(",")})`,
    });
  } else {
    checks.push({
      target: "N=500 end to end within 1.2× ideal",
      met: "n/a",
      detail: "N=500 with rate limits not run",
    });
  }
  const overheadAt = sizes.find((s) => s.n === 200) ?? sizes.at(-1);
  if (overheadAt?.baseline) {
    const base = overheadAt.baseline.phases.reduce((a, p) => a + p.wallMs, 0);
    checks.push({
      target: `provider overhead ≤ 1.3× no-op wall time at N=200${overheadAt.n === 200 ? "" : ` (measured at N=${overheadAt.n})`}`,
      met: overheadAt.n === 200 ? overheadAt.wallTotalMs <= 1.3 * base : "n/a",
      detail: `${seconds(overheadAt.wallTotalMs)} s vs ${seconds(base)} s = ${(overheadAt.wallTotalMs / base).toFixed(2)}×${
        args.rateLimits ? " (rate limits on: includes waiting for the service's limits)" : ""
      }`,
    });
  }
  const bytes = sizes
    .map((s) => s.cometapi.providerBytesPerResource)
    .filter((b): b is number => b !== undefined);
  if (bytes.length > 0) {
    checks.push({
      target: "≤ 3 KB serialized provider per resource",
      met: Math.max(...bytes) <= 3072,
      detail: `${Math.max(...bytes)} bytes`,
    });
  }
  if (list) {
    checks.push({
      target: "emulator: a list page of 100 from 10,000 keys well under 10 ms",
      met: list.p95Ms < 10,
      detail: `p50 ${list.p50Ms} ms, p95 ${list.p95Ms} ms, p99 ${list.p99Ms} ms, max ${list.maxMs} ms`,
    });
  }
  return checks;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    say(USAGE);
    return;
  }
  mkdirSync(logDir, { recursive: true });
  const out = resolve(
    args.out ?? join(root, ".bench", `results-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`),
  );
  mkdirSync(dirname(out), { recursive: true });
  const pulumiVersion = execFileSync("pulumi", ["version"], {
    encoding: "utf8",
    env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
  }).trim();
  const limits: ScheduleLimits | undefined = args.rateLimits ? DEFAULT_RATE_LIMITS : undefined;
  say(
    `pulumi-cometapi bench: sizes ${args.sizes.join(",")}, latency ${args.latencyMs} ms, engine --parallel ${args.parallel}, ` +
      `rate limits ${limits ? JSON.stringify(limits) : "off"}, keys ${args.unmasked ? "unmasked (no reveals)" : "masked (reveals)"}, phases ${args.phases.join(",")}; pulumi ${pulumiVersion}, ` +
      `node ${process.version}, ${cpus().length} CPUs`,
  );
  say(`engine logs: ${logDir}`);

  let list: ListBench | undefined;
  if (args.listBench) {
    list = runListBench();
    if (list) say(`emulator list latency: ${list.line}`);
  }

  const sizes: SizeResult[] = [];
  const write = (finished: boolean) => {
    const doc = {
      startedAt: startedAt.toISOString(),
      finished,
      args,
      environment: {
        node: process.version,
        pulumi: pulumiVersion,
        cpus: cpus().length,
        platform: process.platform,
      },
      method: {
        memory: MEMORY_METHOD,
        requests:
          "emulator control API counters (GET /_emulator/requests), reset before each phase; /api routes only",
        stateBytes: "size of <backend>/.pulumi/stacks/<project>/<stack>.json after up, divided by N",
        providerBytes: "byte length of the __provider input of a resource in that checkpoint",
        ideal: "see bench/minimums.ts: minimum requests per phase scheduled under the rate-limit windows",
      },
      emulatorListBench: list,
      sizes,
      targets: checkTargets(sizes, args, list),
    };
    writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
  };

  for (const n of args.sizes) {
    say(`\n== N = ${n} ==`);
    const emu = await startEmulator({
      latencyMs: args.latencyMs,
      rateLimits: args.rateLimits ? { ...DEFAULT_RATE_LIMITS } : false,
      maxUserTokens: Math.max(1000, n + 10),
      maskKeys: !args.unmasked,
    });
    let cometapi: RunResult;
    let keysLeft: number | undefined;
    try {
      cometapi = await runStack("cometapi", n, args, emu);
      keysLeft = (await emu.control.keys()).length;
    } finally {
      await emu.close();
    }
    const baseline = args.baseline ? await runStack("noop", n, args, undefined) : undefined;
    // The same no-op storing a provider as large as ours: what is left is our provider's own work.
    const padding = (cometapi.providerBytesPerResource ?? 0) - (baseline?.providerBytesPerResource ?? 0);
    const sizeMatchedBaseline =
      baseline && padding > 0 ? await runStack("noop", n, args, undefined, padding) : undefined;
    const ideal = idealSchedule(args.phases, n, {
      latencyMs: args.latencyMs,
      parallel: args.parallel,
      limits,
    });
    for (const p of cometapi.phases) p.idealMs = ideal.find((q) => q.phase === p.phase)?.durationMs;
    const s: SizeResult = {
      n,
      cometapi,
      ...(baseline ? { baseline } : {}),
      ...(sizeMatchedBaseline ? { sizeMatchedBaseline } : {}),
      idealTotalMs: ideal.reduce((a, p) => a + p.durationMs, 0),
      wallTotalMs: cometapi.phases.reduce((a, p) => a + p.wallMs, 0),
      keysLeftAfterDestroy: keysLeft,
    };
    sizes.push(s);
    say(
      `\nN = ${n} (P = ⌈N/100⌉ = ${pagesFor(n)}), engine --parallel ${args.parallel}, latency ${args.latencyMs} ms`,
    );
    say(sizeTable(s));
    say(
      `serialized provider: ${cometapi.providerBytesPerResource ?? "?"} B/resource (no-op: ${baseline?.providerBytesPerResource ?? "?"} B); ` +
        `state: ${cometapi.stateBytesPerKey ?? "?"} B/key (no-op: ${baseline?.stateBytesPerKey ?? "?"} B/resource); ` +
        `keys left after the run: ${keysLeft}`,
    );
    if (sizeMatchedBaseline) say(sizeMatchedLine(s, sizeMatchedBaseline));
    write(false);
  }

  write(true);
  say("\nTargets:");
  for (const t of checkTargets(sizes, args, list)) {
    say(`  [${t.met === "n/a" ? "n/a " : t.met ? "met " : "MISS"}] ${t.target}: ${t.detail}`);
  }
  say(`\nresults: ${out}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
