/**
 * Ownership, id resolution and convergence on every server profile the emulator plays (and with
 * root seeing every user's keys or only its own), through real HTTP at production defaults. Who
 * the caller is comes from the service; "record not found" proves a deletion only to the key's
 * recorded owner; a wrong configuration fails before it writes.
 */
import { request } from "undici";
import { describe, expect, it } from "vitest";
import type { EmulatorSwitches } from "../../../emulator/index";
import {
  CometApiError,
  IdentityUnavailableError,
  KeyInitializationError,
  WrongAccountError,
} from "../../../provider/index";
import { createCometApiKeyProvider } from "../../../provider/key/lifecycle";
import { useEmulator } from "../../support/emulatorHooks";
import { callModel, createKey, outcome, productionProvider, updateKey } from "../../support/providerHarness";

const emu = useEmulator({ users: 2, resetEach: true });

const BUILDS: Pick<EmulatorSwitches, "serverProfile" | "rootSeesAllKeys">[] = [
  { serverProfile: "upstream-2026-08", rootSeesAllKeys: false },
  { serverProfile: "upstream-2026-08", rootSeesAllKeys: true },
  { serverProfile: "new-api-2026-03", rootSeesAllKeys: false },
  { serverProfile: "new-api-2026-03", rootSeesAllKeys: true },
];

/** A provider with the production defaults and this access token, with or without a configured user id. */
function providerAs(accessToken: string, userId?: number) {
  return createCometApiKeyProvider({
    connection:
      userId === undefined ? { baseUrl: emu.url, accessToken } : { baseUrl: emu.url, accessToken, userId },
  });
}

/** Deletes key `id` as its owner would in the console: straight through the API. */
async function deleteOutsidePulumi(
  id: string,
  owner: { userId: number; accessToken: string },
): Promise<void> {
  const res = await request(`${emu.url}/api/token/${id}`, {
    method: "DELETE",
    headers: { authorization: owner.accessToken, "new-api-user": String(owner.userId) },
  });
  expect(await res.body.json()).toMatchObject({ success: true });
}

async function liveIds(): Promise<number[]> {
  return (await emu.control.keys()).map((k) => k.id);
}

describe.each(BUILDS)("on $serverProfile (root sees all keys: $rootSeesAllKeys)", (build) => {
  const setUp = async () => {
    await emu.control.setSwitches(build);
    const owner = emu.users[0] as { userId: number; accessToken: string };
    const other = emu.users[1] as { userId: number; accessToken: string };
    const key = await createKey(productionProvider(emu, owner), { name: "mine", quota: 1_000 });
    return { owner, other, key };
  };

  it("a token switch with the old user id kept: refresh and delete fail, naming both users, and drop nothing", async () => {
    const { owner, other, key } = await setUp();
    const switched = productionProvider(emu, { accessToken: other.accessToken, userId: owner.userId });
    const read = await outcome(switched.read(key.id, key.outs));
    expect(read.ok).toBe(false);
    const error = (read as { error: Error }).error;
    expect(error).toBeInstanceOf(CometApiError);
    if (build.serverProfile === "upstream-2026-08") {
      // This build does not check New-Api-User: only the identity check stands between us and a drop.
      expect(error).toBeInstanceOf(WrongAccountError);
      expect(error.message).toContain(`cometapi:userId (COMETAPI_USER_ID) is ${owner.userId}`);
      expect(error.message).toContain(`belongs to user ${other.userId}`);
    }
    expect((await outcome(switched.delete(key.id, key.outs))).ok).toBe(false);
    expect(await liveIds()).toEqual([Number(key.id)]);
  });

  it("another user's token and user id: refresh and delete fail and drop nothing", async () => {
    const { other, key } = await setUp();
    // The user id configured is the new token's own (older builds refuse any other).
    const switched = providerAs(other.accessToken, other.userId);
    const steps: (() => Promise<unknown>)[] = [
      () => switched.read(key.id, key.outs),
      () => switched.delete(key.id, key.outs),
    ];
    for (const step of steps) {
      const r = await outcome(step());
      expect(r.ok).toBe(false);
      expect((r as { error: Error }).error).toBeInstanceOf(WrongAccountError);
    }
    expect(await liveIds()).toEqual([Number(key.id)]);
  });

  it("a root token never counts another user's key as deleted, nor deletes it", async () => {
    const { key } = await setUp();
    const root = await emu.control.addUser({ root: true });
    const asRoot = providerAs(root.accessToken, root.userId);
    const read = await outcome(asRoot.read(key.id, key.outs));
    if (build.rootSeesAllKeys) expect(read).toMatchObject({ ok: true, value: { id: key.id } });
    else expect((read as { error: Error }).error).toBeInstanceOf(WrongAccountError);
    const deleted = await outcome(asRoot.delete(key.id, key.outs));
    expect((deleted as { error: Error }).error).toBeInstanceOf(WrongAccountError);
    expect(await liveIds()).toEqual([Number(key.id)]);
  });

  it("an import (a read with no state) of another user's key fails, whatever root may see", async () => {
    const { key } = await setUp();
    const root = await emu.control.addUser({ root: true });
    const imported = await outcome(providerAs(root.accessToken, root.userId).read(key.id, {}));
    if (build.rootSeesAllKeys) expect((imported as { error: Error }).error).toBeInstanceOf(WrongAccountError);
    else expect(imported).toEqual({ ok: true, value: { id: "" } });
  });

  it("a create under a user id that is not the token's owner fails before it writes, naming both", async () => {
    const { owner, other } = await setUp();
    const before = await liveIds();
    const wrong = productionProvider(emu, { accessToken: other.accessToken, userId: owner.userId });
    const r = await outcome(createKey(wrong, { name: "stray?", quota: 1_000 }));
    const error = (r as { error: Error }).error;
    expect(error).toBeInstanceOf(CometApiError);
    if (build.serverProfile === "upstream-2026-08") {
      expect(error).toBeInstanceOf(WrongAccountError);
      expect(error.message).toMatch(
        new RegExp(`is ${owner.userId}, but the access token belongs to user ${other.userId}`),
      );
    }
    expect(await liveIds()).toEqual(before);
  });

  it("a root token's create claims its own new key, never another user's identical one", async () => {
    await emu.control.setSwitches(build);
    const root = await emu.control.addUser({ root: true });
    const other = emu.users[1] as { userId: number; accessToken: string };
    const asRoot = productionProvider(emu, root);
    const asOther = productionProvider(emu, other);
    const [mine, theirs] = await Promise.all([
      createKey(asRoot, { name: "twin", quota: 1_000 }),
      createKey(asOther, { name: "twin", quota: 1_000 }),
    ]);
    const owners = new Map((await emu.control.keys()).map((k) => [String(k.id), k.user_id]));
    expect(owners.get(mine.id)).toBe(root.userId);
    expect(owners.get(theirs.id)).toBe(other.userId);
  });

  it("the owner's own 'record not found' is proof: refresh drops a key deleted outside Pulumi", async () => {
    const { owner, key } = await setUp();
    await deleteOutsidePulumi(key.id, owner);
    expect(await productionProvider(emu, owner).read(key.id, key.outs)).toEqual({ id: "" });
  });

  it("when the service cannot say who the caller is, nothing is dropped, created or deleted", async () => {
    const { owner, key } = await setUp();
    await deleteOutsidePulumi(key.id, owner);
    await emu.control.injectFault({
      method: "GET",
      route: "/api/user/self",
      kind: "business-error",
      message: "no such route on this fork",
      times: 0,
    });
    const p = productionProvider(emu, owner);
    const read = await outcome(p.read(key.id, key.outs));
    expect((read as { error: Error }).error).toBeInstanceOf(IdentityUnavailableError);
    expect((read as { error: Error }).error.message).toContain("no such route on this fork");
    expect((await outcome(createKey(p, { name: "blind", quota: 1 }))).ok).toBe(false);
    expect(await liveIds()).toEqual([]);
  });

  it("a top-up whose enable step failed: the next update enables the key, without resetting quota", async () => {
    const { owner, key } = await setUp();
    const p = productionProvider(emu, owner);
    await emu.control.chargeKey(Number(key.id), 1_000);
    expect((await callModel(emu, String(key.outs.key))).status).not.toBe(200);
    const exhausted = await p.read(key.id, key.outs);
    // The full update (the top-up) goes through; the status-only update after it fails.
    await emu.control.injectFault({
      method: "PUT",
      route: "/api/token/",
      kind: "business-error",
      skip: 1,
      times: 0,
    });
    const failed = await outcome(
      updateKey(
        p,
        key.id,
        { outs: exhausted.props ?? {}, inputs: key.inputs },
        { name: "mine", quota: 5_000 },
      ),
    );
    const error = (failed as { error: KeyInitializationError }).error;
    console.log(
      "DEBUG",
      error.message,
      JSON.stringify(await emu.control.keys()),
      JSON.stringify(error.properties),
    );
    expect(error).toBeInstanceOf(KeyInitializationError);
    await emu.control.clearFaults();
    await emu.control.chargeKey(Number(key.id), 100); // usage after the top-up is kept
    // What the engine recorded must differ from the declared inputs, or the next `up` does nothing.
    // The next `up` is a new provider process.
    const nextRun = productionProvider(emu, owner);
    const recorded = error.properties;
    const declared = { ...key.inputs, quota: 5_000 };
    expect((await nextRun.diff(key.id, recorded, declared)).changes).toBe(true);
    const next = await updateKey(
      nextRun,
      key.id,
      { outs: recorded, inputs: declared },
      { name: "mine", quota: 5_000 },
    );
    expect(next.outs.status).toBe("enabled");
    expect((await emu.control.keys())[0]).toMatchObject({ status: 1, remain_quota: 4_900 });
  });
});
