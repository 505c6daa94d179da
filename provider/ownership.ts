/**
 * When a key counts as gone: a read answers "record not found" (`isGone`), and that is proof only
 * when the provider speaks for the account (user id) and service (base URL) the key was recorded
 * with (`assertOwnAccount`). Under another account or service it is a configuration error that
 * names both, never a deletion.
 */
import { KeyNotFoundError, WrongAccountError } from "./errors.js";
import type { CometApiKeyOutputs } from "./keyRecordMapping.js";
import type { Session } from "./session.js";

/** new-api's role number of a root user, who sees every user's keys. */
const ROOT_ROLE = 100;

/**
 * "record not found" for key `id`: proof that it is gone only when the provider speaks for the
 * account and service the key was recorded with. Otherwise a `WrongAccountError` names both.
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
  if (typeof old.userId !== "number") return;
  const configured = s.settings.userId;
  if (configured !== undefined && configured === old.userId) return;
  const me = await s.client.currentUser().catch(() => undefined);
  if (me && me.id === old.userId) return;
  // A root token sees every user's keys: "record not found" there is proof.
  if (me && (me.role ?? 0) >= ROOT_ROLE) return;
  const caller = me?.id ?? configured;
  throw new WrongAccountError(
    `${step}: key ${id} belongs to user ${old.userId}, but the access token is ` +
      `${caller === undefined ? "of another user" : `user ${caller}'s`}; the service answers "record not found" ` +
      "for another user's key. That does not mean it was deleted; nothing was changed in the stack. Configure " +
      `the access token of user ${old.userId} (cometapi:accessToken / COMETAPI_ACCESS_TOKEN, and cometapi:userId ` +
      `${old.userId}) and run again.`,
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
