/**
 * `GET /api/user/self`: who the access token belongs to. new-api answers the user record; the
 * emulator keeps the fields a client needs to know its own id and whether it is root.
 */
import type { EmulatorContext, RequestInfo } from "./context";
import { ok, type Reply } from "./reply";

/** new-api's role numbers: 1 common user, 100 root. */
const ROLE = { common: 1, root: 100 } as const;

export function getSelf(_ctx: EmulatorContext, _req: RequestInfo, userId: number, root: boolean): Reply {
  return ok({ id: userId, username: `user${userId}`, role: root ? ROLE.root : ROLE.common, status: 1 });
}
