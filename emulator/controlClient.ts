/**
 * A small HTTP client for the control API, usable against an embedded emulator or a running
 * CLI one: `new EmulatorControlClient(url, adminToken)`.
 */
import type { RequestCounts } from "./counts";
import type { FaultSpec } from "./faults";
import type { EmulatorSwitches } from "./settings";
import type { EmulatorKeyRecord, EmulatorUser } from "./store";

export interface EmulatorControl {
  getSwitches(): Promise<EmulatorSwitches>;
  setSwitches(p: Partial<EmulatorSwitches>): Promise<EmulatorSwitches>;
  now(): Promise<number>;
  advanceClock(seconds: number): Promise<number>;
  setClock(unixSeconds: number): Promise<number>;
  /** Raw stored records (wire field names), full key, deleted excluded; ascending id. */
  keys(userId?: number): Promise<EmulatorKeyRecord[]>;
  /** As if a model call was charged: remain -= quota, used += quota, accessed_time = now, lazy flips. */
  chargeKey(id: number, quota: number): Promise<EmulatorKeyRecord>;
  /** Out-of-band console edit, no validation. */
  editKey(id: number, patch: Partial<EmulatorKeyRecord>): Promise<EmulatorKeyRecord>;
  /** A key made in the console (for adoption tests). */
  createKeyDirect(userId: number, fields: Partial<EmulatorKeyRecord>): Promise<EmulatorKeyRecord>;
  injectFault(f: FaultSpec): Promise<{ id: string }>;
  clearFaults(): Promise<void>;
  /** Active faults with how many requests each has seen and hit. */
  faults(): Promise<(FaultSpec & { id: string; seen: number; hits: number })[]>;
  requestCounts(): Promise<RequestCounts>;
  resetCounts(): Promise<void>;
  /** Keys, faults, counters, clock, switches back to start options; users kept. */
  reset(): Promise<void>;
  /** A new account with its own token; `root: true` makes it see every user's keys. */
  addUser(options?: { root?: boolean }): Promise<EmulatorUser>;
  /** Charges every live key (of `userId`, else of everyone) `quota` every `everyMs` until stopped. */
  startUsage(schedule: { quota: number; everyMs: number; userId?: number }): Promise<void>;
  stopUsage(): Promise<void>;
  /** Waits until every late commit scheduled by a "late-commit" fault has landed. */
  settle(): Promise<void>;
  /** Writes pending changes to the data file now (no-op without one). */
  flush(): Promise<void>;
}

export class EmulatorControlError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export class EmulatorControlClient implements EmulatorControl {
  private readonly base: string;

  constructor(
    url: string,
    private readonly adminToken: string,
  ) {
    this.base = url.replace(/\/+$/, "");
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}/_emulator${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.adminToken}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text === "" ? {} : (JSON.parse(text) as unknown);
    if (!res.ok) {
      const msg = (parsed as { error?: string }).error ?? text;
      throw new EmulatorControlError(`control ${method} ${path}: ${res.status} ${msg}`, res.status);
    }
    return parsed as T;
  }

  getSwitches(): Promise<EmulatorSwitches> {
    return this.call("GET", "/switches");
  }
  setSwitches(p: Partial<EmulatorSwitches>): Promise<EmulatorSwitches> {
    return this.call("PUT", "/switches", p);
  }
  async now(): Promise<number> {
    return (await this.call<{ now: number }>("GET", "/clock")).now;
  }
  async advanceClock(seconds: number): Promise<number> {
    return (await this.call<{ now: number }>("POST", "/clock", { advance: seconds })).now;
  }
  async setClock(unixSeconds: number): Promise<number> {
    return (await this.call<{ now: number }>("POST", "/clock", { set: unixSeconds })).now;
  }
  keys(userId?: number): Promise<EmulatorKeyRecord[]> {
    return this.call("GET", userId === undefined ? "/keys" : `/keys?user_id=${userId}`);
  }
  chargeKey(id: number, quota: number): Promise<EmulatorKeyRecord> {
    return this.call("POST", `/keys/${id}/charge`, { quota });
  }
  editKey(id: number, patch: Partial<EmulatorKeyRecord>): Promise<EmulatorKeyRecord> {
    return this.call("PATCH", `/keys/${id}`, patch);
  }
  createKeyDirect(userId: number, fields: Partial<EmulatorKeyRecord>): Promise<EmulatorKeyRecord> {
    return this.call("POST", "/keys", { userId, fields });
  }
  injectFault(f: FaultSpec): Promise<{ id: string }> {
    return this.call("POST", "/faults", f);
  }
  faults(): Promise<(FaultSpec & { id: string; seen: number; hits: number })[]> {
    return this.call("GET", "/faults");
  }
  async clearFaults(): Promise<void> {
    await this.call("DELETE", "/faults");
  }
  requestCounts(): Promise<RequestCounts> {
    return this.call("GET", "/requests");
  }
  async resetCounts(): Promise<void> {
    await this.call("DELETE", "/requests");
  }
  async reset(): Promise<void> {
    await this.call("POST", "/reset");
  }
  addUser(options: { root?: boolean } = {}): Promise<EmulatorUser> {
    return this.call("POST", "/users", options);
  }
  async startUsage(schedule: { quota: number; everyMs: number; userId?: number }): Promise<void> {
    await this.call("POST", "/usage", schedule);
  }
  async stopUsage(): Promise<void> {
    await this.call("DELETE", "/usage");
  }
  async settle(): Promise<void> {
    await this.call("POST", "/settle");
  }
  async flush(): Promise<void> {
    await this.call("POST", "/flush");
  }
}
