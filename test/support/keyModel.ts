/**
 * A reference model of CometAPI keys under Pulumi, for model-based randomized tests, and the
 * fast-check generators of the programs and operation sequences it judges.
 *
 * The model is pure: given a sequence of steps it says, without asking the provider or the server,
 * what every key on the server must look like after each step (name, models, status, remaining and
 * used quota, expiry), what the provider must report (status) and which `pulumi up` steps must
 * fail and why. It encodes the design's §3 rules in their simplest form:
 * - quota is an allotment: the remaining quota moves only with usage (1000 per accepted model
 *   call) and when `quota`/`unlimitedQuota` change explicitly; a full update of a limited key sends
 *   the live remainder, never below 0 (the service refuses negative values on limited keys);
 * - `enabled` is a wish, `expired`/`exhausted` are facts the server writes lazily on use; an
 *   update that tries to revive a stuck key without fixing its expiry/quota fails; one that fixes
 *   them revives it;
 * - a key deleted outside Pulumi: refresh drops it, an update fails asking for a refresh, a delete
 *   succeeds.
 */
import fc from "fast-check";

export const SLOTS = ["A", "B", "C"] as const;
export type Slot = (typeof SLOTS)[number];

export type QuotaChoice = 1_500 | 5_000 | "unlimited";
export type ExpiryChoice = "none" | "soon" | "later";

/** One key of a program. Two slots with equal args declare identical keys (concurrent twins). */
export interface KeyArgs {
  name: "alpha" | "beta";
  quota: QuotaChoice;
  enabled: boolean;
  expiry: ExpiryChoice;
  models: "any" | "mini";
}

export type Program = Record<Slot, KeyArgs | null>;

/** As generated: `"keep"` declares the slot exactly as the previous `up` did (a stable program). */
export type GeneratedProgram = Record<Slot, KeyArgs | null | "keep">;

/** The program an `up` runs, given the previous one. */
export function resolveProgram(program: GeneratedProgram, previous: Program): Program {
  const out = {} as Program;
  for (const slot of SLOTS) {
    const v = program[slot];
    out[slot] = v === "keep" ? previous[slot] : v;
  }
  return out;
}

export const EMPTY_PROGRAM: Program = { A: null, B: null, C: null };

/** A fault that hits one matching request during a step (then is cleared). */
export interface FaultChoice {
  method: "GET" | "POST" | "PUT" | "DELETE";
  route: string;
  kind: "status" | "rate-limit" | "reset" | "malformed-json" | "lost-response";
  status?: 500 | 502 | 503;
}

export type Step =
  | { op: "up"; program: GeneratedProgram; fault?: FaultChoice }
  | { op: "refresh"; fault?: FaultChoice }
  | { op: "use"; slot: Slot; times: number }
  | { op: "expire" }
  | { op: "drift"; slot: Slot; kind: "rename" | "models" | "disable" | "delete" };

/** Seconds the `expire` step moves the emulator clock. */
export const EXPIRE_STEP_SECONDS = 7_200;
/** What the emulator charges per accepted model call (its default). */
export const CHARGE_PER_CALL = 1_000;
export const USE_MODEL = "gpt-4o-mini";

export function expiryOf(choice: ExpiryChoice, t0: number): number {
  if (choice === "none") return -1;
  return choice === "soon" ? t0 + 3_600 : t0 + 30 * 86_400;
}

export function modelsOf(choice: KeyArgs["models"]): string[] {
  return choice === "mini" ? [USE_MODEL] : [];
}

/** The resource args as a program passes them. */
export function resourceArgs(args: KeyArgs, t0: number): Record<string, unknown> {
  const expiry = expiryOf(args.expiry, t0);
  return {
    name: args.name,
    ...(args.quota === "unlimited" ? { unlimitedQuota: true } : { quota: args.quota }),
    enabled: args.enabled,
    ...(expiry === -1 ? {} : { expiresAt: expiry }),
    models: modelsOf(args.models),
  };
}

/** A key as the server must hold it. */
export interface ServerKey {
  name: string;
  models: string[];
  status: 1 | 2 | 3 | 4;
  remain: number;
  used: number;
  unlimited: boolean;
  expiry: number;
}

/** The inputs the state holds for a key (what diff compares against). */
interface StateInputs {
  name: string;
  quota?: number;
  unlimited: boolean;
  enabled: boolean;
  expiry: number;
  models: string[];
}

interface ModelSlot {
  /** null: deleted outside Pulumi (still in state until a refresh). */
  server: ServerKey | null;
  inputs: StateInputs;
}

/** What `pulumi up` must do for one slot. */
export type UpAction = "create" | "update" | "delete" | "same" | "none" | "not-found" | "unsatisfiable";

export type ReportedStatus = "enabled" | "disabled" | "expired" | "exhausted";

export class KeyModel {
  /** Seconds the emulator clock was moved since `t0`. */
  private advanced = 0;
  readonly slots = new Map<Slot, ModelSlot>();

  constructor(readonly t0: number) {}

  get now(): number {
    return this.t0 + this.advanced;
  }

  /** The status the provider must report for a key the server holds like `k`. */
  reported(k: ServerKey): ReportedStatus {
    if (k.status === 2) return "disabled";
    if (k.status === 3) return "expired";
    if (k.status === 4) return "exhausted";
    if (k.expiry !== -1 && k.expiry <= this.now) return "expired";
    if (!k.unlimited && k.remain <= 0) return "exhausted";
    return "enabled";
  }

  private inputsOf(args: KeyArgs): StateInputs {
    return {
      name: args.name,
      ...(args.quota === "unlimited" ? {} : { quota: args.quota }),
      unlimited: args.quota === "unlimited",
      enabled: args.enabled,
      expiry: expiryOf(args.expiry, this.t0),
      models: modelsOf(args.models),
    };
  }

  /** Applies a `pulumi up` of `program`; returns what each slot must do. */
  up(program: Program): Record<Slot, UpAction> {
    const actions = {} as Record<Slot, UpAction>;
    for (const slot of SLOTS) actions[slot] = this.upSlot(slot, program[slot]);
    return actions;
  }

  private upSlot(slot: Slot, args: KeyArgs | null): UpAction {
    const current = this.slots.get(slot);
    if (!current) {
      if (!args) return "none";
      const inputs = this.inputsOf(args);
      this.slots.set(slot, {
        inputs,
        server: {
          name: inputs.name,
          models: inputs.models,
          status: inputs.enabled ? 1 : 2,
          remain: inputs.unlimited ? 0 : (inputs.quota ?? 0),
          used: 0,
          unlimited: inputs.unlimited,
          expiry: inputs.expiry,
        },
      });
      return "create";
    }
    if (!args) {
      this.slots.delete(slot);
      return "delete";
    }
    const next = this.inputsOf(args);
    if (!differs(current.inputs, next)) return "same";
    const live = current.server;
    if (!live) return "not-found";
    const old = current.inputs;
    const quotaChanged = old.quota !== next.quota || old.unlimited !== next.unlimited;
    const quotaIsExplicit = quotaChanged && !next.unlimited;
    const liveRemain = live.unlimited ? live.remain : Math.max(0, live.remain);
    const remainSent = quotaIsExplicit ? (next.quota ?? 0) : liveRemain;
    const attemptingRevival = quotaChanged || old.enabled !== next.enabled || old.expiry !== next.expiry;
    const stuck = live.status === 3 || live.status === 4;
    const revivable = !(next.expiry !== -1 && next.expiry <= this.now) && (next.unlimited || remainSent > 0);
    if (next.enabled && stuck && attemptingRevival && !revivable) return "unsatisfiable";
    const k: ServerKey = { ...live, models: [...live.models] };
    if (!next.enabled && k.status === 1) k.status = 2;
    const fieldsDiffer =
      k.name !== next.name ||
      k.expiry !== next.expiry ||
      k.unlimited !== next.unlimited ||
      !sameSet(k.models, next.models) ||
      (quotaIsExplicit && !k.unlimited && k.remain !== remainSent);
    if (fieldsDiffer) {
      k.name = next.name;
      k.expiry = next.expiry;
      k.unlimited = next.unlimited;
      k.models = [...next.models];
      k.remain = remainSent;
    }
    if (next.enabled && (!stuck || revivable) && k.status !== 1) k.status = 1;
    this.slots.set(slot, { inputs: next, server: k });
    return "update";
  }

  /** Applies a refresh: keys gone from the server leave the state; drift comes into the inputs. */
  refresh(): void {
    for (const [slot, s] of this.slots) {
      const k = s.server;
      if (!k) {
        this.slots.delete(slot);
        continue;
      }
      const stuck = k.status === 3 || k.status === 4;
      s.inputs = {
        name: k.name,
        ...(k.unlimited || s.inputs.quota === undefined ? {} : { quota: s.inputs.quota }),
        unlimited: k.unlimited,
        enabled: stuck ? s.inputs.enabled : k.status === 1,
        expiry: k.expiry,
        models: [...k.models],
      };
    }
  }

  /** One model call with the slot's key: whether it must be accepted (and its effect). */
  use(slot: Slot): boolean {
    const k = this.slots.get(slot)?.server;
    if (!k) return false;
    if (k.status !== 1) return false;
    if (k.expiry !== -1 && k.expiry < this.now) {
      k.status = 3;
      return false;
    }
    if (!k.unlimited && k.remain <= 0) {
      k.status = 4;
      return false;
    }
    if (k.models.length > 0 && !k.models.includes(USE_MODEL)) return false;
    k.remain -= CHARGE_PER_CALL;
    k.used += CHARGE_PER_CALL;
    return true;
  }

  expire(): void {
    this.advanced += EXPIRE_STEP_SECONDS;
  }

  /** An edit in the console. */
  drift(slot: Slot, kind: "rename" | "models" | "disable" | "delete"): void {
    const s = this.slots.get(slot);
    if (!s?.server) return;
    if (kind === "rename") s.server.name = "console-renamed";
    else if (kind === "models") s.server.models = ["gpt-4o"];
    else if (kind === "disable") s.server.status = 2;
    else s.server = null;
  }

  /** Runs `steps` on a fresh model; true when some `up` must fail (for runs that need none). */
  static predictsFailure(steps: readonly Step[], t0: number): boolean {
    const m = new KeyModel(t0);
    let previous = EMPTY_PROGRAM;
    for (const step of steps) {
      if (step.op === "up") {
        previous = resolveProgram(step.program, previous);
        const actions = Object.values(m.up(previous));
        if (actions.includes("not-found") || actions.includes("unsatisfiable")) return true;
      } else if (step.op === "refresh") m.refresh();
      else if (step.op === "use") for (let i = 0; i < step.times; i += 1) m.use(step.slot);
      else if (step.op === "expire") m.expire();
      else m.drift(step.slot, step.kind);
    }
    return false;
  }
}

function differs(a: StateInputs, b: StateInputs): boolean {
  return (
    a.name !== b.name ||
    a.quota !== b.quota ||
    a.unlimited !== b.unlimited ||
    a.enabled !== b.enabled ||
    a.expiry !== b.expiry ||
    !sameSet(a.models, b.models)
  );
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

// ---------------------------------------------------------------------------------------------
// Generators. Every generated value prints compactly (fast-check's toString hook), so a shrunk
// counterexample reads as a script: `up{A:alpha/5000/on/soon/mini B:- C:=}!POST /api/token/ 503`
// (`-`: not declared, `=`: declared as in the previous up).

function printable<T extends object>(value: T, text: string): T {
  Object.defineProperty(value, fc.toStringMethod, { value: () => text, enumerable: false });
  return value;
}

export function describeArgs(a: KeyArgs | null | "keep"): string {
  if (!a) return "-";
  if (a === "keep") return "=";
  return `${a.name}/${a.quota}/${a.enabled ? "on" : "off"}/${a.expiry}/${a.models}`;
}

export function describeFault(f: FaultChoice | undefined): string {
  if (!f) return "";
  const what = f.kind === "status" ? String(f.status) : f.kind;
  return ` !${f.method} ${f.route} ${what}`;
}

export function describeStep(s: Step): string {
  switch (s.op) {
    case "up":
      return `up{${SLOTS.map((slot) => `${slot}:${describeArgs(s.program[slot])}`).join(" ")}}${describeFault(s.fault)}`;
    case "refresh":
      return `refresh${describeFault(s.fault)}`;
    case "use":
      return `use(${s.slot}×${s.times})`;
    case "expire":
      return `expire(+${EXPIRE_STEP_SECONDS}s)`;
    case "drift":
      return `drift(${s.slot}:${s.kind})`;
  }
}

const argsArb: fc.Arbitrary<KeyArgs> = fc.record({
  name: fc.constantFrom("alpha" as const, "beta" as const),
  quota: fc.constantFrom<QuotaChoice>(5_000, 1_500, "unlimited"),
  enabled: fc.boolean(),
  expiry: fc.constantFrom<ExpiryChoice>("none", "soon", "later"),
  models: fc.constantFrom("any" as const, "mini" as const),
});

const ROUTES: readonly { method: FaultChoice["method"]; route: string }[] = [
  { method: "POST", route: "/api/token/" },
  { method: "GET", route: "/api/token/" },
  { method: "GET", route: "/api/token/:id" },
  { method: "PUT", route: "/api/token/" },
  { method: "DELETE", route: "/api/token/:id" },
  { method: "POST", route: "/api/token/:id/key" },
  { method: "POST", route: "/api/token/batch/keys" },
];

/** Faults a retrying client must get past when they hit once (timeouts are left to the matrix: slow). */
export const faultArb: fc.Arbitrary<FaultChoice> = fc
  .tuple(
    fc.constantFrom(...ROUTES),
    fc.constantFrom<Pick<FaultChoice, "kind" | "status">>(
      { kind: "status", status: 500 },
      { kind: "status", status: 502 },
      { kind: "status", status: 503 },
      { kind: "rate-limit" },
      { kind: "reset" },
      { kind: "malformed-json" },
      { kind: "lost-response" },
    ),
  )
  // A create whose answer is unknown (5xx, reset, bad JSON) is never sent again, so it fails
  // unless its key shows up: that is the fault matrix's and the concurrency tests' subject, not
  // a fault the model's creates must get past.
  .filter(
    ([r, k]) =>
      !(
        r.method === "POST" &&
        r.route === "/api/token/" &&
        k.kind !== "rate-limit" &&
        k.kind !== "lost-response"
      ),
  )
  .map(([r, k]) => ({ ...r, ...k }));

export function stepArb(opts: { faults: boolean; outOfBandDelete: boolean }): fc.Arbitrary<Step> {
  const fault = opts.faults ? fc.option(faultArb, { nil: undefined, freq: 2 }) : fc.constant(undefined);
  const slotArgs = fc.oneof(
    { weight: 3, arbitrary: argsArb },
    { weight: 3, arbitrary: fc.constant("keep" as const) },
    { weight: 1, arbitrary: fc.constant(null) },
  );
  const program = fc.record({ A: slotArgs, B: slotArgs, C: slotArgs });
  const slot = fc.constantFrom(...SLOTS);
  const driftKinds = opts.outOfBandDelete
    ? (["rename", "models", "disable", "delete"] as const)
    : (["rename", "models", "disable"] as const);
  return fc
    .oneof(
      { weight: 5, arbitrary: fc.record({ op: fc.constant("up" as const), program, fault }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant("refresh" as const), fault }) },
      {
        weight: 3,
        arbitrary: fc.record({
          op: fc.constant("use" as const),
          slot,
          times: fc.integer({ min: 1, max: 3 }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ op: fc.constant("expire" as const) }) },
      {
        weight: 1,
        arbitrary: fc.record({
          op: fc.constant("drift" as const),
          slot,
          kind: fc.constantFrom(...driftKinds),
        }),
      },
    )
    .map((s) => {
      const step = (s.op === "up" || s.op === "refresh") && s.fault === undefined ? withoutFault(s) : s;
      return printable(step as Step, describeStep(step as Step));
    });
}

function withoutFault<T extends { fault?: unknown }>(s: T): T {
  const { fault: _, ...rest } = s;
  return rest as T;
}

/** A sequence always starts with an `up` (nothing else means anything on an empty stack). */
export function sequenceArb(
  opts: { faults: boolean; outOfBandDelete: boolean },
  maxLength: number,
): fc.Arbitrary<Step[]> {
  const first = stepArb(opts).filter((s) => s.op === "up");
  return fc
    .tuple(first, fc.array(stepArb(opts), { maxLength: maxLength - 1 }))
    .map(([a, rest]) => [a, ...rest]);
}
