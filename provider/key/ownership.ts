/**
 * When a key counts as gone, and whose keys the provider may touch. "record not found" proves a
 * deletion only when the key's recorded owner asks with their own token on the service the key
 * was recorded with (`assertOwnAccount`): new-api answers it for another user's key too, and for
 * root on some builds and not on others, so for anyone else it is a configuration error that
 * names both, never a deletion. Who asks comes from the service (`Session.caller`), never from
 * `cometapi:userId`.
 */
import { KeyNotFoundError, WrongAccountError } from "../errors/index.js";
import type { CometApiKeyOutputs } from "./recordMapping.js";
import type { Session } from "./session.js";

/**
 * "record not found" for key `id`: returns when that proves it is gone (the caller is the key's
 * recorded owner, on the recorded service); otherwise throws `WrongAccountError` naming both.
 */
export async function assertOwnAccount(
  s: Session,
  id: string,
  old: Partial<CometApiKeyOutputs>,
  step: string,
) {
  if (typeof old.baseUrl === "string" && sameService(old.baseUrl, s.settings.baseUrl) === false) {
    throw new WrongAccountError(
      `${step}: key ${id} was recorded on ${old.baseUrl}, but the provider is configured for ` +
        `${s.settings.baseUrl}, which answers "record not found" for it. That does not mean it was deleted; ` +
        "nothing was changed in the stack. Set cometapi:baseUrl (or COMETAPI_BASE_URL) back to " +
        `${old.baseUrl} and run again.`,
    );
  }
  const me = await s.caller();
  if (typeof old.userId !== "number") {
    throw new WrongAccountError(
      `${step}: the service answers "record not found" for key ${id}, but the stack does not record whose key ` +
        `it is (state written by an older version), so that does not prove it was deleted (new-api answers the ` +
        `same for another user's key); nothing was changed in the stack. If key ${id} is really gone, remove it ` +
        "from the stack with `pulumi state delete <urn>`.",
    );
  }
  assertOwnKey(me.id, id, old.userId, step, `the service answers "record not found" for another user's key.`);
}

/**
 * Throws `WrongAccountError` unless `callerId` (the token's owner) is `ownerId` (the key's recorded
 * owner): the provider changes, deletes or drops only the caller's own keys, whatever a root
 * token may see.
 */
export function assertOwnKey(
  callerId: number,
  id: string,
  ownerId: number | undefined,
  step: string,
  why = "",
) {
  if (ownerId === undefined || ownerId === callerId) return;
  throw new WrongAccountError(
    `${step}: key ${id} belongs to user ${ownerId}, but the access token is user ${callerId}'s${why ? `; ${why}` : "."} ` +
      "That does not mean it was deleted; nothing was changed in the stack. Configure the access token of user " +
      `${ownerId} (cometapi:accessToken / COMETAPI_ACCESS_TOKEN, and cometapi:userId ${ownerId}) and run again.`,
  );
}

/** True when key `id` provably no longer exists (a read answers "record not found"). */
export async function isGone(s: Session, id: number): Promise<boolean> {
  try {
    await s.client.getKey(id);
    return false;
  } catch (error) {
    return error instanceof KeyNotFoundError;
  }
}

/** Whether two base URLs name the same service (origin and path, trailing slashes aside). */
function sameService(a: string, b: string): boolean {
  try {
    const [x, y] = [new URL(a), new URL(b)];
    return x.origin === y.origin && x.pathname.replace(/\/+$/, "") === y.pathname.replace(/\/+$/, "");
  } catch {
    return a === b;
  }
}
