/**
 * A stand-in `CometApiClient` whose every call waits until the test answers it, for unit tests
 * of the batching: the test decides, step by step, when each request "goes on the wire" and when
 * its answer arrives. No timers, no sleeps.
 */

import { absentKeyFields } from "../../provider/model/fieldRules";
import type { ApiKeyFields, ApiKeyPage, ApiKeyRecord, CometApiClient } from "../../provider/service/client";

/** One request the code under test made, waiting for the test's answer. */
export interface PendingCall<T> {
  readonly kind: "list" | "create" | "get" | "reveal";
  readonly args: unknown;
  /** Marks the request as sent (runs the caller's `onSend`); listings are sent when made. */
  send(): void;
  /** For creates: the rate limit holds the request back (runs the caller's `onHeldBack`). */
  holdBack(): void;
  answer(value: T): void;
  fail(error: Error): void;
}

export class ScriptedClient {
  readonly calls: PendingCall<unknown>[] = [];
  /** Listings run their `onSend` as soon as they are made unless this is false. */
  sendListingsAtOnce = true;
  /** The connection's counters; set `rateLimited` to play a connection that was answered 429. */
  readonly stats = { requests: 0, retries: 0, rateLimited: 0 };

  /** The calls of `kind` not yet answered, oldest first. */
  open(kind: PendingCall<unknown>["kind"]): PendingCall<unknown>[] {
    return this.calls.filter((c) => c.kind === kind && !answered.has(c));
  }

  /** The client the code under test uses. */
  asClient(): CometApiClient {
    return {
      stats: this.stats,
      listKeys: (options: { page?: number; pageSize?: number; onSend?: () => void } = {}) => {
        const call = this.record<ApiKeyPage>("list", options, options.onSend);
        if (this.sendListingsAtOnce) call.send();
        return call.promise;
      },
      createKey: (fields: ApiKeyFields, progress: { onSend?: () => void; onHeldBack?: () => void } = {}) =>
        this.record<void>("create", fields, progress.onSend, progress.onHeldBack).promise,
      getKey: (id: number) => this.record<ApiKeyRecord>("get", id).promise,
      revealKeys: (ids: readonly number[]) => this.record<Map<number, string>>("reveal", [...ids]).promise,
      revealKey: (id: number) => this.record<string>("reveal", id).promise,
    } as unknown as CometApiClient;
  }

  private record<T>(
    kind: PendingCall<T>["kind"],
    args: unknown,
    onSend?: () => void,
    onHeldBack?: () => void,
  ) {
    let resolve: (value: T) => void = () => {};
    let reject: (error: Error) => void = () => {};
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    let sent = false;
    const call: PendingCall<T> & { promise: Promise<T> } = {
      kind,
      args,
      promise,
      send: () => {
        if (sent) return;
        sent = true;
        onSend?.();
      },
      holdBack: () => {
        sent = false;
        onHeldBack?.();
      },
      answer: (value) => {
        answered.add(call as PendingCall<unknown>);
        resolve(value);
      },
      fail: (error) => {
        answered.add(call as PendingCall<unknown>);
        reject(error);
      },
    };
    this.calls.push(call as PendingCall<unknown>);
    return call;
  }
}

const answered = new WeakSet<PendingCall<unknown>>();

/** Lets every promise chain that can move on do so (one macrotask turn; not a sleep). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A key record with `fields`, as the service would list it. */
export function recordOf(id: number, fields: ApiKeyFields): ApiKeyRecord {
  return {
    ...fields,
    id,
    key: `masked${id}`,
    status: 1,
    usedQuota: 0,
    createdAt: 0,
    accessedAt: 0,
  };
}

/** The fields of a plain key named `name`. */
export function fieldsNamed(name: string): ApiKeyFields {
  return {
    name,
    expiresAt: -1,
    remainingQuota: 100,
    unlimitedQuota: false,
    ...absentKeyFields(),
  };
}

/** A listing page of `records`, newest first. */
export function pageOf(records: ApiKeyRecord[]): ApiKeyPage {
  const items = [...records].sort((a, b) => b.id - a.id);
  return { page: 1, pageSize: 100, total: items.length, items };
}
