/**
 * The lifecycle of a CometAPI key as a Pulumi dynamic provider: check, diff, create, read,
 * update, delete. HTTP details live in `service/client.ts`/`transport/http.ts`, what one connection shares in
 * `key/session.ts`, the key model's mappings and comparisons in `key/recordMapping.ts`/`key/diff.ts`;
 * this file holds the rules.
 *
 * - Quota is an allotment, not a mirror: diff compares configured quotas only; an update that
 *   does not change `quota` sends the live remaining quota read just before, so usage is never
 *   reset.
 * - Update is full replacement on the server: every field is always sent, and `status` is carried
 *   so builds whose full update applies it keep it. Status changes use status-only updates.
 * - `enabled` is the user's wish; `expired`/`exhausted` are the server's facts, reported and not
 *   fought. Reviving a key takes a full update that fixes expiry/quota, then a status change.
 * - A create first looks for a key a stopped run left for the resource (same name, the caller's own,
 *   held by no step of this run) and takes it over instead of making a second one
 *   (`unrecordedKeys.ts`).
 * - Any failure after a key exists carries its id, so the engine records it instead of leaking it;
 *   a failure after an update's first write carries what was applied, so the next run converges.
 * - Usage lands at any time: a full update that sent a live quota corrects it when its answer
 *   shows usage charged after that quota was read.
 * - Ownership: who the caller is comes from the service (`Session.caller`, asked once per
 *   connection; `cometapi:userId` is only a header and a cross-check), before any write and any
 *   decision that depends on it. Each key records its owner (`userId`) and the service
 *   (`baseUrl`); the provider changes or deletes only the caller's own keys, and "record not
 *   found" proves a deletion only to the recorded owner (`key/ownership.ts`).
 */

import {
  KeyInitializationError,
  KeyNotFoundError,
  OutcomeUnknownError,
  UnsatisfiableChangeError,
  WrongAccountError,
} from "../errors/index.js";
import { reportingWithoutStackTraces, withRecordedConfigurationHint } from "../errors/reporting.js";
import { assertFieldsHeld, heldBy } from "../model/fieldRules.js";
import {
  type ApiKeyFields,
  type ApiKeyRecord,
  type CometApiClient,
  WireKeyStatus,
} from "../service/client.js";
import { type ConnectionSettings, type ConnectionSources, resolveConnection } from "../service/connection.js";
import { toIso } from "../shared/timestamp.js";
import { accountFailures, checkAccountEnabled } from "./accountChecks.js";
import { adoptsAnotherKey, changedProperties, sameFields } from "./diff.js";
import { type AutoNaming, type CometApiKeyInputs, checkInputs } from "./inputs.js";
import { assertOwnAccount, assertOwnKey, isGone } from "./ownership.js";
import { checkedInputs, recordedOutputs } from "./recordedValues.js";
import {
  appliedInputs,
  definedOnly,
  fieldsOf,
  isMasked,
  limitedRemain,
  outputsOf,
  type Progress,
  recordInputs,
  refreshedInputs,
  unrecordedQuotaChange,
} from "./recordMapping.js";
import {
  checkRetirementInputs,
  graceOf,
  listAllKeys,
  listAllKeysShared,
  type RetiredKey,
  recordCreated,
  retiredKeysOf,
  retiredName,
  retirementEnd,
  retirementNotice,
  sameRetiredKeys,
  successorOf,
} from "./retirement.js";
import {
  checkRotationInputs,
  rotationReason,
  rotationScheduleOf,
  rotationStatus,
  withScheduledExpiry,
} from "./rotation.js";
import { createSessionCache, type Session, type SessionOptions } from "./session.js";
import { hasExpired } from "./status.js";
import { RecordedKeys, unrecordedKeysFor } from "./unrecordedKeys.js";

/** The subset of `pulumi.dynamic.ResourceProvider` this provider implements (no SDK import needed). */
export interface CometApiKeyProvider {
  configure(req: { config: { get(key: string): string | undefined } }): Promise<void>;
  check(
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
    naming?: AutoNaming,
  ): Promise<{
    inputs: Record<string, unknown>;
    failures: { property: string; reason: string }[];
  }>;
  diff(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }>;
  /** `diff` with the properties that differ (`diffs`), for the native plugin's detailed diff. */
  detailedDiff(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean; diffs: string[] }>;
  create(inputs: Record<string, unknown>): Promise<{ id: string; outs: Record<string, unknown> }>;
  read(
    id: string,
    props?: Record<string, unknown>,
  ): Promise<{
    id: string;
    props?: Record<string, unknown>;
    inputs?: Record<string, unknown>;
  }>;
  update(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<{ outs: Record<string, unknown> }>;
  delete(id: string, props: Record<string, unknown>): Promise<void>;
  /**
   * The engine cancelled the run (one Ctrl-C): no new write, reveal or retry is sent from now on,
   * and every step ends within seconds, a step that created a key with its id in the error.
   */
  cancel(): void;
  /**
   * The host tells how to check that the engine which started this process is still there
   * (`provider/host/engineSignals.ts`, `watchEngine(…).alive`). From then on every request that goes on
   * the wire after a wait (a rate-limit pause, a backoff, a connection slot), and every write and
   * reveal, asks it first; once it answers false nothing more is sent (`EngineGoneError`).
   */
  whileEngineAlive(alive: () => Promise<boolean>): void;
  /** The connection's client (one per connection and process), for the lookup functions. */
  client(): CometApiClient;
}

/** Tuning for tests and scripts; programs use the defaults. */
export interface CometApiKeyProviderOptions extends SessionOptions {
  /** Connection settings; when absent, `configure()` and then the environment decide. */
  connection?: ConnectionSettings;
}

/** How far (seconds) a new rotating key's expiry may sit from `createdAt + rotateAfter` before it is corrected. */
const SCHEDULED_EXPIRY_TOLERANCE_S = 60;

/** Full updates sent again at most this often to correct for usage that landed meanwhile. */
const MAX_USAGE_CORRECTIONS = 5;

/** Creates a provider with its own sessions; `cometApiKeyProvider` is the shared default. */
export function createCometApiKeyProvider(options: CometApiKeyProviderOptions = {}): CometApiKeyProvider {
  let configured: ConnectionSources = {};
  /** The engine configured this provider: check then also verifies the connection (preview too). */
  let engineConfigured = false;
  /** `cometapi:checkAccount` as configured (the environment decides when it is not). */
  let checkAccount: string | undefined;
  const sessionOf = createSessionCache(options);
  /** The keys the state holds, as this process learned them (what a create's lookup leaves out). */
  const recorded = new RecordedKeys();
  const warn = options.warn ?? ((message: string) => console.error(message));

  function session(): Session {
    return sessionOf(options.connection ?? resolveConnection(configured));
  }

  /** The full key value of a record: from the record when unmasked, else revealed once. */
  async function keyValueOf(s: Session, record: ApiKeyRecord): Promise<string> {
    const raw = isMasked(record.key) ? await s.revealer.reveal(record.id) : record.key;
    return `sk-${raw}`;
  }

  /**
   * Brings key `live` to the declared inputs, in the order the service requires, and returns the
   * final record. `remainingQuota` is what a full update sends; unless `quotaIsExplicit`, a
   * difference in it alone never triggers one. `attemptingRevival`: the change touches what
   * decides whether an expired or exhausted key can work again (expiry, quota, enabled).
   */
  async function converge(
    s: Session,
    live: ApiKeyRecord,
    inputs: CometApiKeyInputs,
    plan: { remainingQuota: number; quotaIsExplicit: boolean; attemptingRevival: boolean },
    progress: Progress = { record: live, fullUpdateApplied: false },
  ): Promise<ApiKeyRecord> {
    const { remainingQuota, quotaIsExplicit, attemptingRevival } = plan;
    const id = live.id;
    const fields = fieldsOf(inputs, remainingQuota);
    const now = s.client.serverNow();
    const stuck = live.status === WireKeyStatus.expired || live.status === WireKeyStatus.exhausted;
    const revivable =
      !hasExpired(fields.expiresAt, now) && (fields.unlimitedQuota || fields.remainingQuota > 0);
    if (inputs.enabled && stuck && attemptingRevival && !revivable) {
      throw new UnsatisfiableChangeError(revivalAdvice(live, fields, now), `update key ${id}`);
    }
    let record = live;
    if (!inputs.enabled && record.status === WireKeyStatus.enabled) {
      record = (await s.client.setKeyStatus(id, WireKeyStatus.disabled)) ?? {
        ...record,
        status: WireKeyStatus.disabled,
      };
      progress.record = record;
    }
    if (!sameFields(fieldsOf(recordInputs(record), record.remainingQuota), fields, quotaIsExplicit)) {
      record = await fullUpdate(s, record, fields, inputs, quotaIsExplicit, live.usedQuota);
      progress.record = record;
      progress.fullUpdateApplied = true;
      assertFieldsHeld(inputs, record, `update key ${id}`);
    }
    // Enable whatever is not enabled (2, or a stray 0), except an expired/exhausted key that
    // cannot work yet: that stays the server's fact.
    const wantEnabled = inputs.enabled && (!stuck || revivable);
    if (wantEnabled && record.status !== WireKeyStatus.enabled) {
      progress.enablePending = true;
      record = (await s.client.setKeyStatus(id, WireKeyStatus.enabled)) ?? {
        ...record,
        status: WireKeyStatus.enabled,
      };
      progress.record = record;
      progress.enablePending = false;
    }
    s.snapshot.remember(record);
    return record;
  }

  /**
   * The full update, reconciled when its outcome is unknown: read back; when it did not take
   * effect, send it again with the live quota read just now (so usage in between is kept).
   * `basisUsedQuota` is the used quota of the read the sent remaining quota came from.
   */
  async function fullUpdate(
    s: Session,
    before: ApiKeyRecord,
    fields: ApiKeyFields,
    inputs: CometApiKeyInputs,
    quotaIsExplicit: boolean,
    basisUsedQuota: number,
  ): Promise<ApiKeyRecord> {
    let current = before;
    let basis = basisUsedQuota;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const applied = await s.client.updateKey(current.id, fields, current.status);
        return quotaIsExplicit ? applied : await keepUsage(s, applied, fields, basis);
      } catch (error) {
        if (!(error instanceof OutcomeUnknownError) || attempt >= 3) throw error;
        const after = await s.client.getKey(current.id);
        // Usage charged since `current` was read is added back before comparing quotas.
        const remainAsSent = after.remainingQuota + after.usedQuota - basis;
        if (sameFields(fieldsOf(recordInputs(after), remainAsSent), fields, quotaIsExplicit)) {
          return quotaIsExplicit ? after : await keepUsage(s, after, fields, basis);
        }
        current = after;
        basis = after.usedQuota;
        if (!quotaIsExplicit) fields = fieldsOf(inputs, limitedRemain(after));
      }
    }
  }

  /**
   * A full update overwrote the remaining quota with `sent.remainingQuota`, read when the key had
   * used `basisUsedQuota`. Usage charged between that read and the update shows in the answer's
   * `usedQuota`; it is taken off again (repeatedly, while more lands), so nothing is refunded.
   */
  async function keepUsage(
    s: Session,
    applied: ApiKeyRecord,
    sent: ApiKeyFields,
    basisUsedQuota: number,
  ): Promise<ApiKeyRecord> {
    let record = applied;
    let fields = sent;
    let basis = basisUsedQuota;
    for (let i = 0; i < MAX_USAGE_CORRECTIONS; i += 1) {
      const landed = record.usedQuota - basis;
      if (landed <= 0) break;
      const remain = fields.remainingQuota - landed;
      fields = { ...fields, remainingQuota: fields.unlimitedQuota ? remain : Math.max(0, remain) };
      basis = record.usedQuota;
      record = await s.client.updateKey(record.id, fields, record.status);
    }
    return record;
  }

  const provider: CometApiKeyProvider = {
    client: () => session().client,

    async configure(req) {
      configured = {
        accessToken: req.config.get("cometapi:accessToken"),
        baseUrl: req.config.get("cometapi:baseUrl"),
        userId: req.config.get("cometapi:userId"),
      };
      checkAccount = req.config.get("cometapi:checkAccount");
      engineConfigured = true;
    },

    async check(olds, news, naming) {
      const { inputs, failures } = checkInputs(olds, news, Math.floor(Date.now() / 1000), naming);
      recorded.resourceInState(olds.name);
      checkRotationInputs(news, inputs, (property, reason) => failures.push({ property, reason }));
      checkRetirementInputs(news, inputs, (property, reason) => failures.push({ property, reason }));
      // A preview fails on a configuration mistake as `up` would: the settings here, the token and
      // user id at the first key's check (one request per process, shared with every later step).
      // models and group against what the account may use (key/accountChecks.ts), with every failure.
      if (engineConfigured) {
        const s = session();
        await s.caller();
        if (checkAccountEnabled(checkAccount)) {
          const skip = new Set(failures.map((f) => f.property));
          failures.push(...(await accountFailures(inputs, s.catalog, skip)));
        }
      }
      return { inputs: definedOnly(inputs), failures };
    },

    async diff(id, olds, news) {
      const { changes, replaces, deleteBeforeReplace } = await provider.detailedDiff(id, olds, news);
      return { changes, replaces, deleteBeforeReplace };
    },

    async detailedDiff(id, olds, rawNews) {
      // A rotating key without expiresAt expires on its schedule: compare against that expiry.
      const news = withScheduledExpiry(olds, rawNews);
      recorded.held(id, olds.name);
      const changes = changedProperties(olds, news);
      const replaces: string[] = [];
      const rotation = await dueRotation(id, olds, news);
      if (rotation !== undefined) {
        replaces.push("rotateAfter");
        // The engine shows a plugin's stderr in the preview: this is the "why" of the replacement.
        console.error(rotation);
      }
      if (adoptsAnotherKey(olds, news)) replaces.push("adoptKeyId");
      // Keys this one replaced, in their grace or past it: the update lists or deletes them.
      if (await retiredKeysChanged(id, olds, news)) changes.push("retiredKeys");
      return {
        changes: changes.length > 0 || replaces.length > 0,
        replaces,
        deleteBeforeReplace: false,
        diffs: [...changes, ...replaces],
      };
    },

    async create(raw) {
      let inputs = checkedInputs(raw, "create key");
      const s = session();
      // Before anything is written: whose token this is (a wrong user id fails here, not as a stray key).
      const me = await s.caller();
      if (inputs.adoptKeyId !== undefined) {
        const adopted = await adopt(s, inputs, me.id);
        // Adopting another key in a replacement: the key held before is retired only with retireAfter.
        recordCreated(s, inputs.name, Number(adopted.id), graceOf(inputs));
        return adopted;
      }
      const schedule = inputs.expiresAt === undefined ? rotationScheduleOf(inputs) : undefined;
      // Reveal batches wait for this create's value, except while the rate limit holds it back;
      // the hold is released once the value was asked for or never will be.
      const hold = s.revealer.expect();
      // A key a stopped run created for this resource (its name) is taken over, not made twice.
      let left: Awaited<ReturnType<typeof unrecordedKeysFor>>;
      try {
        left = await unrecordedKeysFor(s, inputs, recorded, warn);
      } catch (error) {
        hold.release();
        throw error;
      }
      if (left.kind === "adopt") {
        hold.release();
        const { record } = left;
        // Its rotation schedule started when the stopped run created it.
        if (schedule) inputs = { ...inputs, expiresAt: toIso(record.createdAt + schedule.rotateAfter) };
        const adopted = await adopt(s, inputs, me.id, record);
        recordCreated(s, inputs.name, Number(adopted.id), graceOf(inputs));
        return adopted;
      }
      if (schedule) inputs = { ...inputs, expiresAt: toIso(s.client.serverNow() + schedule.rotateAfter) };
      let record: ApiKeyRecord;
      try {
        record = await s.resolver.createKey(
          fieldsOf(inputs, inputs.unlimitedQuota ? 0 : (inputs.quota ?? 0)),
          {
            onHeldBack: hold.park,
            onSend: hold.resume,
          },
        );
      } catch (error) {
        hold.release();
        throw error;
      }
      try {
        assertFieldsHeld(inputs, record, `create key ${record.id}`);
        // The schedule starts at the server's `createdAt` (the local clock may differ).
        const scheduledEnd = schedule ? record.createdAt + schedule.rotateAfter : undefined;
        if (
          scheduledEnd !== undefined &&
          Math.abs(scheduledEnd - record.expiresAt) > SCHEDULED_EXPIRY_TOLERANCE_S
        ) {
          inputs = { ...inputs, expiresAt: toIso(scheduledEnd) };
          record = await s.client.updateKey(
            record.id,
            fieldsOf(inputs, record.remainingQuota),
            record.status,
          );
        }
        if (!inputs.enabled) {
          record = (await s.client.setKeyStatus(record.id, WireKeyStatus.disabled)) ?? {
            ...record,
            status: WireKeyStatus.disabled,
          };
        }
        const value = keyValueOf(s, record);
        hold.release();
        const key = await value;
        s.snapshot.remember(record);
        // A replacement's delete of the old key (later in this run) retires it when this one has a grace.
        recordCreated(s, inputs.name, record.id, graceOf(inputs));
        return {
          id: String(record.id),
          outs: outputsOf(inputs, record, key, s.settings.baseUrl, s.client.serverNow()),
        };
      } catch (error) {
        hold.release();
        throw initFailure(error, "create", inputs, record, s);
      }
    },

    async read(id, props = {}) {
      const s = session();
      const record = await s.snapshot.find(Number(id));
      const old = recordedOutputs(props);
      recorded.held(id, old.name);
      // No prior state (`pulumi import`, or a read of an existing key): the live remainder is the
      // allotment, and the value is revealed once (a secret output).
      const imported = old.keyId === undefined && old.name === undefined;
      if (!record) {
        // Nothing in the stack to drop for an import; a recorded key is gone only on its owner's word.
        if (!imported) await assertOwnAccount(s, id, old, `read key ${id}`);
        return { id: "" };
      }
      // An import claims the key: only the caller's own (a root token may see every user's).
      if (imported) assertOwnKey((await s.caller()).id, id, record.userId, `import key ${id}`);
      const inputs = refreshedInputs(imported ? { quota: limitedRemain(record) } : old, record);
      const key =
        typeof old.key === "string"
          ? old.key
          : !isMasked(record.key)
            ? `sk-${record.key}`
            : imported
              ? await keyValueOf(s, record)
              : undefined;
      const outs = outputsOf(inputs, record, key, s.settings.baseUrl, s.client.serverNow(), old);
      // A refresh reads, it does not write: the sum of the provider's last write stays the reference.
      if (!imported) outs.__allottedTotal = old.__allottedTotal;
      if (old.retiredKeys !== undefined) outs.retiredKeys = old.retiredKeys;
      return { id, props: definedOnly(outs), inputs: definedOnly({ ...inputs }) };
    },

    async update(id, olds, news) {
      const old = recordedOutputs(olds);
      const inputs = checkedInputs(withScheduledExpiry(olds, news), `update key ${id}`);
      const s = session();
      recorded.held(id, old.name);
      assertOwnKey((await s.caller()).id, id, old.userId, `update key ${id}`);
      // The live record, at most 2 s old (the updates of those 2 s share one listing; usage that
      // lands after it is taken off again from the update's answer).
      const live = await s.snapshot.find(Number(id), { fresh: true });
      if (!live) {
        await assertOwnAccount(s, id, old, `update key ${id}`);
        throw new KeyNotFoundError(
          `update key ${id}`,
          "record not found",
          `key ${id} no longer exists (deleted outside Pulumi?). Run \`pulumi refresh\` to drop it from the ` +
            "state, then `pulumi up` to create a new one",
        );
      }
      // A change the server already has (a stopped run) is not sent again: that would refund usage.
      const quotaChanged =
        (old.quota !== inputs.quota || old.unlimitedQuota !== inputs.unlimitedQuota) &&
        (inputs.unlimitedQuota || !unrecordedQuotaChange(old, live, inputs.quota ?? 0));
      const remain = quotaChanged && !inputs.unlimitedQuota ? (inputs.quota ?? 0) : limitedRemain(live);
      const attemptingRevival =
        quotaChanged || old.enabled !== inputs.enabled || old.expiresAt !== inputs.expiresAt;
      const progress: Progress = { record: live, fullUpdateApplied: false };
      let record: ApiKeyRecord;
      try {
        record = await converge(
          s,
          live,
          inputs,
          {
            remainingQuota: remain,
            quotaIsExplicit: quotaChanged && !inputs.unlimitedQuota,
            attemptingRevival,
          },
          progress,
        );
      } catch (error) {
        if (progress.record === live) throw error;
        // Something was written: record what is applied, so the next run neither repeats nor loses it.
        throw initFailure(error, "update", appliedInputs(old, inputs, progress), progress.record, s, old.key);
      }
      let key = typeof old.key === "string" ? old.key : undefined;
      if (key === undefined) {
        try {
          key = await keyValueOf(s, record);
        } catch (error) {
          throw initFailure(error, "update", inputs, record, s);
        }
      }
      const outs = outputsOf(inputs, record, key, s.settings.baseUrl, s.client.serverNow(), old);
      const retired = await settleRetiredKeys(s, record.id, olds.retiredKeys, graceOf(inputs));
      if (retired.length > 0) outs.retiredKeys = retired;
      return { outs };
    },

    async delete(id, props) {
      const s = session();
      recorded.held(id, props.name);
      // The resource that adopted this key in this run (a replacement) holds it now.
      if (s.adopted.has(Number(id))) return;
      assertOwnKey((await s.caller()).id, id, recordedOutputs(props).userId, `delete key ${id}`);
      // A replacement whose new key has a grace period: the old key is retired, not deleted.
      const successor = successorOf(s, props.name, Number(id));
      if (successor && (await retire(s, Number(id), successor.keyId, successor.grace))) {
        await handOverRetiredKeys(s, Number(id), successor.keyId);
        return;
      }
      // A destroy: retired keys past their grace go too; those in it expire on their own.
      const retires = Array.isArray(props.retiredKeys) && props.retiredKeys.length > 0;
      if (retires || graceOf(props) !== undefined) await handOverRetiredKeys(s, Number(id), undefined);
      try {
        await s.client.deleteKey(Number(id));
      } catch (error) {
        // Gone already is done; when the answers were lost, a read settles whether it took effect.
        if (!(error instanceof KeyNotFoundError) && !(await isGone(s, Number(id)))) throw error;
        await assertOwnAccount(s, id, recordedOutputs(props), `delete key ${id}`);
      }
      s.snapshot.forget(Number(id));
    },

    cancel() {
      sessionOf.cancel();
    },

    whileEngineAlive(alive) {
      sessionOf.whileEngineAlive(alive);
    },
  };

  /**
   * Why key `id` must be replaced now by its rotation schedule, or undefined. Reads the key's
   * `createdAt` and the server's clock (its `Date` header) from the shared listing, so one
   * request serves every rotating key of a run; keys without a schedule cost no request.
   */
  async function dueRotation(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<string | undefined> {
    const schedule = rotationScheduleOf(news);
    if (!schedule) return undefined;
    const s = session();
    const live = await s.snapshot.find(Number(id));
    if (!live) return undefined; // gone: the update says so; nothing to rotate
    const now = s.client.serverNow();
    if (!rotationStatus(schedule, live.createdAt, now).due) return undefined;
    return rotationReason(String(news.name ?? olds.name ?? id), schedule, live.createdAt, now, graceOf(news));
  }

  /**
   * Retires key `id` for `successorId`: its expiry moves to the end of the grace (never later than
   * it was) and its name gets the successor's marker. False when the key is gone already.
   */
  async function retire(s: Session, id: number, successorId: number, grace: number): Promise<boolean> {
    const live = await s.snapshot.find(id, { fresh: true });
    if (!live) return false;
    const end = retirementEnd(s.client.serverNow(), grace, live.expiresAt);
    await markRetired(s, live, successorId, end);
    console.error(retirementNotice(id, successorId, grace, end));
    return true;
  }

  /** Writes a retired key's end and marker, keeping its live usage (a full update). */
  async function markRetired(
    s: Session,
    live: ApiKeyRecord,
    successorId: number,
    end: number,
  ): Promise<void> {
    const fields: ApiKeyFields = {
      ...fieldsOf(recordInputs(live), limitedRemain(live)),
      name: retiredName(live.name, successorId),
      expiresAt: end,
    };
    const applied = await s.client.updateKey(live.id, fields, live.status);
    let record = await keepUsage(s, applied, fields, live.usedQuota);
    // The answer is the fact: a server that did not take the grace's end as the key's expiry
    // cannot end the grace on its own, so the key is disabled now (a later run deletes it).
    if (record.expiresAt !== end) {
      record = (await s.client.setKeyStatus(live.id, WireKeyStatus.disabled)) ?? {
        ...record,
        status: WireKeyStatus.disabled,
      };
      console.error(
        `key ${live.id}: the service did not take ${toIso(end)} as its expiry, so it could not stop the key ` +
          "at the end of its grace; the key is disabled now instead, and the next `pulumi up` deletes it",
      );
    }
    s.snapshot.remember(record);
  }

  /**
   * The keys retired for key `keyId` (found by their marker, listed or not yet): those past their
   * grace are deleted; those in it are handed to `successorId` (re-marked, their end unchanged),
   * or, on a destroy (no successor), left to expire on their own.
   */
  async function handOverRetiredKeys(s: Session, keyId: number, successorId: number | undefined) {
    const { living, over } = await findRetired(s, keyId);
    for (const record of over) await deleteRetired(s, record.id);
    if (successorId === undefined) return;
    for (const { keyId: retiredId } of living) {
      const live = await s.snapshot.find(retiredId, { fresh: true });
      if (live) await markRetired(s, live, successorId, live.expiresAt);
    }
  }

  /** The caller's keys retired for key `keyId`, from a fresh listing (or the run's shared one). */
  async function findRetired(s: Session, keyId: number, list = listAllKeys) {
    return retiredKeysOf(await list(s), keyId, (await s.caller()).id, s.client.serverNow());
  }

  async function deleteRetired(s: Session, keyId: number): Promise<void> {
    try {
      await s.client.deleteKey(keyId);
    } catch (error) {
      if (!(error instanceof KeyNotFoundError) && !(await isGone(s, keyId))) throw error;
    }
    s.snapshot.forget(keyId);
  }

  /** Whether the keys retired for key `id` differ from its `retiredKeys` output, or some are past their grace. */
  async function retiredKeysChanged(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<boolean> {
    const listed = Array.isArray(olds.retiredKeys) && olds.retiredKeys.length > 0;
    if (!listed && graceOf(news) === undefined) return false;
    const s = session();
    const { living, over } = await findRetired(s, Number(id), listAllKeysShared);
    return over.length > 0 || !sameRetiredKeys(olds.retiredKeys, living);
  }

  /** Deletes the keys retired for `keyId` whose grace is over; the ones still in it, for the output. */
  async function settleRetiredKeys(
    s: Session,
    keyId: number,
    listed: unknown,
    grace: number | undefined,
  ): Promise<RetiredKey[]> {
    if (!(Array.isArray(listed) && listed.length > 0) && grace === undefined) return [];
    const { living, over } = await findRetired(s, keyId);
    for (const record of over) await deleteRetired(s, record.id);
    return living;
  }

  /**
   * Takes over an existing key and converges it to the declared inputs: key `adoptKeyId`, or
   * `left`, a key a stopped run created for this resource (its allotment is the declared quota,
   * less what was used since: nothing is given back).
   */
  async function adopt(
    s: Session,
    inputs: CometApiKeyInputs,
    callerId: number,
    left?: ApiKeyRecord,
  ): Promise<{ id: string; outs: Record<string, unknown> }> {
    const id = left?.id ?? (inputs.adoptKeyId as number);
    let live: ApiKeyRecord;
    try {
      live = await s.client.getKey(id);
    } catch (error) {
      if (error instanceof KeyNotFoundError && left) {
        throw new KeyNotFoundError(
          `adopt key ${id}`,
          error.serverMessage,
          `key ${id}, left by a run that stopped before Pulumi recorded it, was deleted while this run took it ` +
            "over; nothing was created. Run `pulumi up` again to create the key",
        );
      }
      if (error instanceof KeyNotFoundError) {
        throw new KeyNotFoundError(
          `adopt key ${id}`,
          error.serverMessage,
          `adoptKeyId ${id}: no key with this id is visible to this access token (it does not exist, was deleted, ` +
            "or belongs to another user). Check the id in the CometAPI console's key list",
        );
      }
      throw error;
    }
    if (live.userId !== undefined && live.userId !== callerId) {
      throw new WrongAccountError(
        `adoptKeyId ${id}: key ${id} belongs to user ${live.userId}, not to user ${callerId} whose access token ` +
          "the provider uses (a root token sees every user's keys on some builds). Adopt only your own keys.",
      );
    }
    s.adopted.add(id);
    const quota = inputs.quota ?? 0;
    const remain = inputs.unlimitedQuota
      ? live.remainingQuota
      : left
        ? Math.max(0, quota - live.usedQuota)
        : quota;
    let record = live;
    try {
      record = await converge(s, live, inputs, {
        remainingQuota: remain,
        quotaIsExplicit: !inputs.unlimitedQuota,
        attemptingRevival: true,
      });
      const key = await keyValueOf(s, record);
      return {
        id: String(id),
        outs: outputsOf(inputs, record, key, s.settings.baseUrl, s.client.serverNow()),
      };
    } catch (error) {
      throw initFailure(error, "adopt", inputs, record, s);
    }
  }

  // Refresh and destroy run these with the configuration recorded at the last `pulumi up`.
  const { read, delete: remove } = provider;
  provider.read = (id, props) => withRecordedConfigurationHint(() => read(id, props));
  provider.delete = (id, props) => withRecordedConfigurationHint(() => remove(id, props));
  return provider;
}

/** The provider programs use (through the SDK's thin loader), run by the dynamic-provider server. */
export const cometApiKeyProvider: CometApiKeyProvider = reportingWithoutStackTraces(
  createCometApiKeyProvider(),
);

/** The error for a failure after the key exists: carries the id so the engine keeps the key. */
function initFailure(
  error: unknown,
  step: string,
  inputs: CometApiKeyInputs,
  record: ApiKeyRecord,
  s: Session,
  key?: string,
): KeyInitializationError {
  const reason = error instanceof Error ? error.message : String(error);
  return new KeyInitializationError(
    `${step} key ${record.id}: the key exists, but a later step failed: ${reason}. It is recorded in the stack; ` +
      "run `pulumi up` again to finish.",
    `${step} key ${record.id}`,
    String(record.id),
    // Fields the server could not hold are recorded as it holds them: the next run tries again.
    outputsOf(heldBy(inputs, record), record, key, s.settings.baseUrl, s.client.serverNow()),
    { cause: error },
  );
}

function revivalAdvice(live: ApiKeyRecord, fields: ApiKeyFields, now: number): string {
  if (hasExpired(fields.expiresAt, now)) {
    return (
      `key ${live.id} is expired and cannot be re-enabled while expiresAt (${toIso(fields.expiresAt)}) is in the past: ` +
      "set expiresAt to a future time or remove it (never expires), or set enabled: false"
    );
  }
  return (
    `key ${live.id} is exhausted (remaining quota ${live.remainingQuota}) and cannot be re-enabled without quota: ` +
    "raise quota (a changed quota sets a new allotment) or set unlimitedQuota: true, or set enabled: false"
  );
}
