/**
 * The emulator's data: users and key records, indexed for fast paging, with optional
 * persistence to a JSON file written atomically (temp file + fsync + rename) and coalesced.
 */
import { randomBytes, randomInt } from "node:crypto";
import { closeSync, fsyncSync, openSync, readFileSync } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import { dirname } from "node:path";

/** A stored key record, with the wire field names of the real service. */
export interface EmulatorKeyRecord {
  id: number;
  user_id: number;
  /** Full key, 48 chars `[0-9A-Za-z]`, without `sk-`. */
  key: string;
  /** 1 enabled, 2 disabled, 3 expired, 4 exhausted. */
  status: number;
  name: string;
  created_time: number;
  accessed_time: number;
  /** Unix seconds, -1 = never. */
  expired_time: number;
  remain_quota: number;
  unlimited_quota: boolean;
  model_limits_enabled: boolean;
  model_limits: string;
  allow_ips: string | null;
  used_quota: number;
  group: string;
  cross_group_retry: boolean;
  /** The groups `auto` tries, in order (profiles that have them); absent or `null`: none. */
  auto_groups?: string[] | null;
  /** Always `null` for live records (soft-deleted ones carry the deletion time internally). */
  DeletedAt: string | null;
}

export interface EmulatorUser {
  userId: number;
  accessToken: string;
  /** A root user (the first one a self-hosted new-api creates) sees every user's keys. */
  root?: boolean;
}

interface Snapshot {
  version: 1;
  nextId: number;
  nextUserId: number;
  adminToken: string;
  users: EmulatorUser[];
  tokens: EmulatorKeyRecord[];
}

const KEY_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function randomAlnum(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)];
  return out;
}

export function randomAccessToken(): string {
  return randomBytes(24).toString("base64url").replace(/[-_]/g, "x");
}

/** Index of the first element whose id is >= id, in an array sorted by id. */
function lowerBound(list: EmulatorKeyRecord[], id: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as EmulatorKeyRecord).id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class StoreCorruptError extends Error {}

export class EmulatorStore {
  adminToken: string;
  private nextId = 1;
  private nextUserId = 1;
  private readonly users = new Map<number, EmulatorUser>();
  private readonly usersByToken = new Map<string, EmulatorUser>();
  private readonly byId = new Map<number, EmulatorKeyRecord>();
  private readonly byKey = new Map<string, EmulatorKeyRecord>();
  /** Live (non-deleted) records per user, sorted by id ascending. */
  private readonly liveByUser = new Map<number, EmulatorKeyRecord[]>();

  private writeTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private dirty = false;

  constructor(
    private readonly dataFile: string | undefined,
    adminToken: string,
    private readonly writeDelayMs = 25,
  ) {
    this.adminToken = adminToken;
    if (dataFile) this.load(dataFile);
  }

  private load(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
      throw e;
    }
    let snap: Snapshot;
    try {
      snap = JSON.parse(text) as Snapshot;
    } catch (e) {
      throw new StoreCorruptError(`cannot parse ${file}: ${(e as Error).message}`);
    }
    if (snap.version !== 1 || !Array.isArray(snap.users) || !Array.isArray(snap.tokens)) {
      throw new StoreCorruptError(`${file} is not an emulator store`);
    }
    this.adminToken = snap.adminToken || this.adminToken;
    for (const u of snap.users) this.putUser(u);
    const sorted = [...snap.tokens].sort((a, b) => a.id - b.id);
    let maxId = 0;
    for (const rec of sorted) {
      this.byId.set(rec.id, rec);
      this.byKey.set(rec.key, rec);
      if (rec.DeletedAt === null) this.liveList(rec.user_id, true).push(rec);
      maxId = Math.max(maxId, rec.id);
    }
    this.nextId = Math.max(snap.nextId, maxId + 1);
    this.nextUserId = Math.max(snap.nextUserId, ...snap.users.map((u) => u.userId + 1), 1);
  }

  // ---- users -------------------------------------------------------------------------------

  private putUser(u: EmulatorUser): void {
    const user: EmulatorUser = {
      userId: u.userId,
      accessToken: u.accessToken,
      ...(u.root ? { root: true } : {}),
    };
    this.users.set(user.userId, user);
    this.usersByToken.set(user.accessToken, user);
  }

  addUser(accessToken = randomAccessToken(), root = false): EmulatorUser {
    const user: EmulatorUser = { userId: this.nextUserId++, accessToken, ...(root ? { root: true } : {}) };
    this.putUser(user);
    this.changed();
    return { ...user };
  }

  listUsers(): EmulatorUser[] {
    return [...this.users.values()].map((u) => ({ ...u }));
  }

  userByAccessToken(token: string): EmulatorUser | undefined {
    return this.usersByToken.get(token);
  }

  hasUser(userId: number): boolean {
    return this.users.has(userId);
  }

  // ---- keys --------------------------------------------------------------------------------

  liveList(userId: number, create = false): EmulatorKeyRecord[] {
    let list = this.liveByUser.get(userId);
    if (!list) {
      list = [];
      if (create) this.liveByUser.set(userId, list);
    }
    return list;
  }

  liveCount(userId: number): number {
    return this.liveByUser.get(userId)?.length ?? 0;
  }

  newKey(): string {
    for (;;) {
      const key = randomAlnum(48);
      if (!this.byKey.has(key)) return key;
    }
  }

  /** Inserts a record; `id` and `DeletedAt` are assigned here. */
  insert(fields: Omit<EmulatorKeyRecord, "id" | "DeletedAt">): EmulatorKeyRecord {
    const rec: EmulatorKeyRecord = { id: this.nextId++, ...fields, DeletedAt: null };
    this.byId.set(rec.id, rec);
    this.byKey.set(rec.key, rec);
    this.liveList(rec.user_id, true).push(rec);
    this.changed();
    return rec;
  }

  /** A live record by id, optionally restricted to its owner. */
  getLive(id: number, userId?: number): EmulatorKeyRecord | undefined {
    const rec = this.byId.get(id);
    if (!rec || rec.DeletedAt !== null) return undefined;
    if (userId !== undefined && rec.user_id !== userId) return undefined;
    return rec;
  }

  liveByKey(key: string): EmulatorKeyRecord | undefined {
    const rec = this.byKey.get(key);
    return rec && rec.DeletedAt === null ? rec : undefined;
  }

  /** Changes a record's key, keeping the key index right. */
  rekey(rec: EmulatorKeyRecord, key: string): void {
    if (this.byKey.get(rec.key) === rec) this.byKey.delete(rec.key);
    rec.key = key;
    this.byKey.set(key, rec);
  }

  softDelete(rec: EmulatorKeyRecord, deletedAt: string): void {
    rec.DeletedAt = deletedAt;
    const list = this.liveList(rec.user_id);
    const i = lowerBound(list, rec.id);
    if (list[i] === rec) list.splice(i, 1);
    this.changed();
  }

  /** All live records (of one user or of everyone), ascending id. */
  allLive(userId?: number): EmulatorKeyRecord[] {
    if (userId !== undefined) return [...this.liveList(userId)];
    const out: EmulatorKeyRecord[] = [];
    for (const list of this.liveByUser.values()) out.push(...list);
    return out.sort((a, b) => a.id - b.id);
  }

  /** Drops every key (live and deleted); the id counter keeps counting so ids never repeat. */
  clearKeys(): void {
    this.byId.clear();
    this.byKey.clear();
    this.liveByUser.clear();
    this.changed();
  }

  // ---- persistence -------------------------------------------------------------------------

  /** Marks the store as changed; a coalesced atomic write follows shortly. */
  changed(): void {
    if (!this.dataFile) return;
    this.dirty = true;
    if (this.writeTimer || this.writing) return;
    this.writeTimer = setTimeout(() => {
      this.writeTimer = undefined;
      void this.writeLoop();
    }, this.writeDelayMs);
  }

  private snapshot(): Snapshot {
    return {
      version: 1,
      nextId: this.nextId,
      nextUserId: this.nextUserId,
      adminToken: this.adminToken,
      users: this.listUsers(),
      tokens: [...this.byId.values()],
    };
  }

  private async writeLoop(): Promise<void> {
    if (this.writing) return this.writing;
    const file = this.dataFile;
    if (!file) return;
    this.writing = (async () => {
      try {
        while (this.dirty) {
          this.dirty = false;
          await writeAtomic(file, JSON.stringify(this.snapshot()));
        }
      } finally {
        this.writing = undefined;
      }
    })();
    return this.writing;
  }

  /** Writes any pending change now and waits for it. */
  async flush(): Promise<void> {
    if (this.writeTimer) {
      clearTimeout(this.writeTimer);
      this.writeTimer = undefined;
    }
    if (this.writing) await this.writing;
    if (this.dirty) await this.writeLoop();
  }
}

let tempCounter = 0;

/** Writes `text` to `file` so that a crash leaves either the old or the new content. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${++tempCounter}`;
  const handle = await open(tmp, "w", 0o600);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } catch (e) {
    await handle.close();
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await handle.close();
  await rename(tmp, file);
  try {
    const dir = openSync(dirname(file), "r");
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // Directory fsync is best effort (not supported everywhere).
  }
}
