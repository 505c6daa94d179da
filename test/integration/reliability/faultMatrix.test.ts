/**
 * The fault matrix: every provider operation (create, read, update, delete, reveal, list) under
 * every fault the emulator can inject (500, 502, 503, 429 with and without `Retry-After`,
 * connection reset, timeout, malformed JSON, HTTP 200 `success:false`, a response lost after the
 * change took effect), over real HTTP.
 *
 * Each cell runs twice: with the fault hitting once (a flaky moment) and with it hitting every
 * matching request until cleared (an outage). Either the operation succeeds, or it fails with an
 * error naming the operation and the cause. In both cases, afterwards, with the engine's
 * semantics applied to the test's own state (an error carrying an `id` records the key; one
 * without does not):
 * - the keys on the server are exactly the keys in state (no duplicate, no orphan);
 * - every key's remaining and used quota are what its allotment minus its charged usage say;
 * - every secret in state equals the server's key, and none that was there is gone;
 * - no error text carries the access token or a key value.
 * A once-only fault that the service would retry past (everything but `success:false`) must not
 * fail the operation at all, except a create whose request may have run on the server (5xx,
 * reset, timeout, bad JSON): it is never sent again (a late commit would be a stray key), so when
 * no key shows up it fails with an error naming the key to adopt or delete. The matrix is printed as a table (outcome, requests made, elapsed ms: a figure, never asserted).
 *
 * "State" is what the provider returned, kept the way the engine keeps it. "Reveal" and "list"
 * happen inside other operations: reveal inside create when keys are masked (single and batch
 * routes), list inside create (id resolution) and refresh (the shared snapshot).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const hardExpect = expect;
const softExpect = expect.soft;

import { type FaultSpec, type RunningEmulator, startEmulator } from "../../../emulator/index";
import type { CometApiKeyProvider } from "../../../provider/key/lifecycle";
import { createKey, testProvider } from "../../support/providerHarness";
import { errorTexts, expectNoSecrets } from "../../support/secretScan";

const HTTP = {
  requestTimeoutMs: 300,
  connectTimeoutMs: 300,
  retryBudgetMs: 1_200,
  retryBaseDelayMs: 10,
  retryMaxDelayMs: 100,
};

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  printMatrix();
  await emu?.close();
});

/** A key as the engine would hold it. */
interface Entry {
  outs: Record<string, unknown>;
  inputs: Record<string, unknown>;
}

interface World {
  p: CometApiKeyProvider;
  state: Map<string, Entry>;
  /** Per key id: the allotment last set explicitly and the usage charged since. */
  quota: Map<number, { allotment: number; charged: number }>;
  /** The setup's pre-existing keys, by role. */
  target?: string;
}

interface FaultDef {
  label: string;
  spec: Omit<FaultSpec, "method" | "route">;
  /** The error must say this about the cause. */
  cause: RegExp;
  /** The service would refuse this on every attempt: failing is right even when it hits once. */
  final?: boolean;
  /** A write it hits may or may not have taken effect on the server. */
  outcomeUnknown?: boolean;
}

const FAULTS: FaultDef[] = [
  { label: "500", spec: { kind: "status", status: 500 }, cause: /HTTP 500/, outcomeUnknown: true },
  { label: "502", spec: { kind: "status", status: 502 }, cause: /HTTP 502/, outcomeUnknown: true },
  { label: "503", spec: { kind: "status", status: 503 }, cause: /HTTP 503/, outcomeUnknown: true },
  { label: "429+RA", spec: { kind: "rate-limit", retryAfterSeconds: 1 }, cause: /429|rate limit/i },
  { label: "429", spec: { kind: "rate-limit" }, cause: /429|rate limit/i },
  { label: "reset", spec: { kind: "reset" }, cause: /socket|ECONNRESET|closed|reset/i, outcomeUnknown: true },
  { label: "timeout", spec: { kind: "timeout" }, cause: /timeout|timed out/i, outcomeUnknown: true },
  { label: "bad JSON", spec: { kind: "malformed-json" }, cause: /malformed JSON/i, outcomeUnknown: true },
  {
    label: "success:false",
    spec: { kind: "business-error", message: "database is locked" },
    cause: /database is locked/,
    final: true,
  },
  { label: "lost", spec: { kind: "lost-response" }, cause: /socket|closed|reset|lost/i },
];

interface OpDef {
  label: string;
  method: FaultSpec["method"];
  route: string;
  /** Matching requests let through before the fault (to aim at the id-resolution listing). */
  skip?: number;
  /** The error must name this operation. */
  names: RegExp;
  /** Whether the setup makes a `target` key the operation works on. */
  needsTarget: boolean;
  /** Keys the setup makes besides the target. @default 1 */
  bystanders?: number;
  run(w: World): Promise<void>;
}

/** check + create as the engine does it, recording what the engine would record. */
async function engineCreate(w: World, name: string, quota: number): Promise<void> {
  const { inputs } = await w.p.check({}, { __logicalName: name, name, quota });
  try {
    const { id, outs } = await w.p.create(inputs);
    w.state.set(id, { outs, inputs });
    w.quota.set(Number(id), { allotment: quota, charged: 0 });
  } catch (error) {
    const e = error as { id?: unknown; properties?: Record<string, unknown> };
    if (typeof e.id === "string" && e.id !== "") {
      w.state.set(e.id, { outs: e.properties ?? {}, inputs });
      w.quota.set(Number(e.id), { allotment: quota, charged: 0 });
    }
    throw error;
  }
}

async function engineRead(w: World, p: CometApiKeyProvider, id: string): Promise<void> {
  const entry = w.state.get(id) as Entry;
  const read = await p.read(id, entry.outs);
  if (read.id === "") w.state.delete(id);
  else w.state.set(id, { outs: read.props ?? {}, inputs: read.inputs ?? entry.inputs });
}

/** Rejects with the first failure after every promise settled (the engine waits for all steps). */
async function settleAll(promises: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

const OPS: OpDef[] = [
  {
    label: "create",
    method: "POST",
    route: "/api/token/",
    names: /create key/,
    needsTarget: false,
    run: (w) => engineCreate(w, "fresh", 5_000),
  },
  {
    label: "read",
    method: "GET",
    route: "/api/token/:id",
    names: /read key \d+/,
    needsTarget: true,
    run: (w) => engineRead(w, w.p, w.target as string),
  },
  {
    label: "update",
    method: "PUT",
    route: "/api/token/",
    names: /update key \d+/,
    needsTarget: true,
    async run(w) {
      const id = w.target as string;
      const entry = w.state.get(id) as Entry;
      const { inputs } = await w.p.check(entry.inputs, {
        __logicalName: "target",
        name: "target-renamed",
        quota: 20_000,
      });
      const { outs } = await w.p.update(id, entry.outs, inputs);
      w.state.set(id, { outs, inputs });
    },
  },
  {
    label: "delete",
    method: "DELETE",
    route: "/api/token/:id",
    names: /delete key \d+/,
    needsTarget: true,
    async run(w) {
      const id = w.target as string;
      await w.p.delete(id, (w.state.get(id) as Entry).outs);
      w.state.delete(id);
      w.quota.delete(Number(id));
    },
  },
  {
    label: "reveal (one)",
    method: "POST",
    route: "/api/token/:id/key",
    names: /reveal key \d+/,
    needsTarget: false,
    run: (w) => engineCreate(w, "fresh", 5_000),
  },
  {
    label: "reveal (batch)",
    method: "POST",
    route: "/api/token/batch/keys",
    names: /reveal 2 keys/,
    needsTarget: false,
    run: (w) => settleAll([engineCreate(w, "fresh-a", 5_000), engineCreate(w, "fresh-b", 6_000)]),
  },
  {
    label: "list (create)",
    method: "GET",
    route: "/api/token/",
    skip: 1, // the first listing is the baseline; the second finds the new key's id
    names: /list keys/,
    needsTarget: false,
    run: (w) => engineCreate(w, "fresh", 5_000),
  },
  {
    label: "list (refresh)",
    method: "GET",
    route: "/api/token/",
    names: /list keys/,
    needsTarget: true,
    // The read the engine starts first goes alone (a GET); the others share one listing.
    bystanders: 2,
    async run(w) {
      const p = testProvider(emu, { http: HTTP, snapshot: { ttlMs: 30_000 } });
      await settleAll([...w.state.keys()].map((id) => engineRead(w, p, id)));
    },
  },
];

type Mode = "once" | "outage";

interface Cell {
  outcome: "ok" | "error" | "error+id";
  requests: number;
  ms: number;
  /** The operation did not touch the faulted route (the cell proved nothing). */
  faultUnused?: boolean;
  /** The error's message, when it failed. */
  message?: string;
}

const matrix = new Map<string, Cell>();
const cellKey = (mode: Mode, op: string, fault: string) => `${mode}|${op}|${fault}`;

/**
 * Known limitations, run as `it.fails` so the suite stays green while they hold and turns red
 * when one is lifted (then delete the entry). Each says exactly what goes wrong.
 */
const KNOWN_LIMITATIONS: Record<string, string> = {
  // KNOWN LIMITATION (not fixable without knowing the id): the key is created, then every
  // listing that could find its id fails for longer than the retries last (5xx, 429, reset,
  // timeout, bad JSON, success:false, lost). The create fails with CreatedKeyNotFoundError, which
  // names the key to adopt or delete, but carries no id, so the engine cannot record it and the
  // key stays on the server. A single failed listing is retried and no longer leaks (see the
  // "once" row).
  ...Object.fromEntries(
    FAULTS.map((f) => [
      cellKey("outage", "list (create)", f.label),
      "an id-resolution listing outage after a successful create leaves a stray key",
    ]),
  ),
};

function printMatrix(): void {
  for (const mode of ["once", "outage"] as Mode[]) {
    const header = ["operation \\ fault", ...FAULTS.map((f) => f.label)];
    const rows = OPS.map((op) => [
      op.label,
      ...FAULTS.map((f) => {
        const c = matrix.get(cellKey(mode, op.label, f.label));
        if (!c) return "-";
        const mark = KNOWN_LIMITATIONS[cellKey(mode, op.label, f.label)] ? " LIMITATION" : "";
        return `${c.outcome} ${c.requests}r${c.faultUnused ? " unused" : ""}${mark}`;
      }),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
    console.log(
      [
        "",
        `Fault matrix, fault ${mode === "once" ? "hits once" : "hits every matching request (outage)"}: ` +
          "outcome (ok | error | error+id = failed with the id, key recorded) and /api requests made",
        line(header),
        line(widths.map((w) => "-".repeat(w))),
        ...rows.map(line),
      ].join("\n"),
    );
  }
  const messages = [...matrix.entries()]
    .filter(([, c]) => c.message !== undefined)
    .map(([key, c]) => `  ${key.replaceAll("|", " × ")} (${c.ms} ms): ${c.message}`);
  console.log(["", "Errors as users see them:", ...messages].join("\n"));
}

async function activeFaults(): Promise<{ hits: number }[]> {
  const res = await fetch(`${emu.url}/_emulator/faults`, {
    headers: { authorization: `Bearer ${emu.adminToken}` },
  });
  return (await res.json()) as { hits: number }[];
}

/** The invariants, checked against the server's own records. */
async function checkInvariants(
  w: World,
  keysBefore: Map<string, string | undefined>,
  soft = false,
): Promise<void> {
  const expect = soft ? softExpect : hardExpect;
  const server = await emu.control.keys();
  expect(server.map((k) => String(k.id)).sort(), "keys on the server = keys in state").toEqual(
    [...w.state.keys()].sort(),
  );
  for (const record of server) {
    const q = w.quota.get(record.id);
    expect(q, `quota bookkeeping for key ${record.id}`).toBeDefined();
    expect(
      { remain: record.remain_quota, used: record.used_quota },
      `key ${record.id}: quota moved only by usage and explicit changes`,
    ).toEqual({ remain: (q?.allotment ?? 0) - (q?.charged ?? 0), used: q?.charged ?? 0 });
  }
  for (const [id, entry] of w.state) {
    const record = server.find((k) => String(k.id) === id);
    if (entry.outs.key !== undefined) {
      expect(entry.outs.key, `secret of key ${id} in state = the server's key`).toBe(`sk-${record?.key}`);
    }
    if (keysBefore.get(id) !== undefined) {
      expect(entry.outs.key, `secret of key ${id} kept`).toBe(keysBefore.get(id));
    }
  }
}

async function runCell(mode: Mode, op: OpDef, fault: FaultDef): Promise<void> {
  await emu.control.reset();
  const setup = testProvider(emu);
  const w: World = { p: testProvider(emu, { http: HTTP }), state: new Map(), quota: new Map() };
  for (let i = 1; i <= (op.bystanders ?? 1); i += 1) {
    const bystander = await createKey(setup, {
      name: i === 1 ? "bystander" : `bystander-${i}`,
      quota: 10_000,
    });
    w.state.set(bystander.id, { outs: bystander.outs, inputs: bystander.inputs });
    await emu.control.chargeKey(Number(bystander.id), 3_000);
    w.quota.set(Number(bystander.id), { allotment: 10_000, charged: 3_000 });
  }
  if (op.needsTarget) {
    const target = await createKey(setup, { __logicalName: "target", name: "target", quota: 20_000 });
    w.state.set(target.id, { outs: target.outs, inputs: target.inputs });
    await emu.control.chargeKey(Number(target.id), 2_500);
    w.quota.set(Number(target.id), { allotment: 20_000, charged: 2_500 });
    w.target = target.id;
  }
  const keysBefore = new Map([...w.state].map(([id, e]) => [id, e.outs.key as string | undefined]));
  await emu.control.resetCounts();
  await emu.control.injectFault({
    method: op.method,
    route: op.route,
    ...fault.spec,
    times: mode === "once" ? 1 : 0,
    skip: op.skip ?? 0,
  });

  const started = performance.now();
  let error: unknown;
  try {
    await op.run(w);
  } catch (e) {
    error = e;
  }
  const ms = performance.now() - started;
  const left = await activeFaults();
  await emu.control.clearFaults();
  const counts = await emu.control.requestCounts();
  const requests = Object.entries(counts)
    .filter(([route]) => route.includes(" /api/"))
    .reduce((sum, [, c]) => sum + c.total, 0);
  const faultUnused = mode === "once" ? left.length > 0 : (left[0]?.hits ?? 0) === 0;
  const recordedWithId = typeof (error as { id?: unknown } | undefined)?.id === "string";
  matrix.set(cellKey(mode, op.label, fault.label), {
    outcome: error === undefined ? "ok" : recordedWithId ? "error+id" : "error",
    requests,
    ms: Math.round(ms),
    faultUnused,
    ...(error === undefined ? {} : { message: error instanceof Error ? error.message : String(error) }),
  });

  expect.soft(faultUnused, `the fault on ${op.method} ${op.route} was hit`).toBe(false);
  if (error !== undefined) {
    const message = error instanceof Error ? error.message : String(error);
    expect.soft(message, "the error names the operation").toMatch(op.names);
    expect.soft(message, "the error names the cause").toMatch(fault.cause);
  }
  if (mode === "once" && fault.outcomeUnknown && op.label === "create") {
    expect
      .soft(error === undefined ? "succeeded" : (error as Error).message)
      .toMatch(/not sent again.*adopt/);
  } else if (mode === "once" && !fault.final) {
    expect.soft(error === undefined ? "succeeded" : `failed: ${(error as Error).message}`).toBe("succeeded");
  }
  const server = await emu.control.keys();
  const secrets = { accessToken: emu.accessToken, keys: server.map((k) => k.key) };
  if (error !== undefined) expectNoSecrets("the error (message, stack, causes)", errorTexts(error), secrets);
  await checkInvariants(w, keysBefore, true);

  // The next clean run finishes what the failed one left: a key recorded without its secret gets it.
  for (const [id, entry] of w.state) {
    if (entry.outs.key !== undefined || !server.some((k) => String(k.id) === id)) continue;
    const { outs } = await setup.update(id, entry.outs, entry.inputs);
    w.state.set(id, { outs, inputs: entry.inputs });
  }
  await checkInvariants(w, keysBefore, true);
  for (const [id, entry] of w.state)
    expect.soft(entry.outs.key, `key ${id} has its secret after a clean run`).toBeDefined();
}

for (const mode of ["once", "outage"] as Mode[]) {
  describe(`fault ${mode === "once" ? "hits once" : "persists (outage)"}`, () => {
    for (const op of OPS) {
      for (const fault of FAULTS) {
        const key = cellKey(mode, op.label, fault.label);
        const title = `${op.label} × ${fault.label}`;
        if (KNOWN_LIMITATIONS[key])
          it.fails(`${title} — KNOWN LIMITATION: ${KNOWN_LIMITATIONS[key]}`, () => runCell(mode, op, fault));
        else it(title, () => runCell(mode, op, fault));
      }
    }
  });
}
