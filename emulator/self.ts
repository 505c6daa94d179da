/**
 * `GET /api/user/self`: who the access token belongs to. new-api answers the user record; the
 * emulator keeps the fields a client needs: its id, whether it is root, its group (the
 * `userGroup` switch) and its quota: `quota` is the balance left (`userQuota` less what the
 * user's live keys used), `used_quota` what they used, `request_count` the model calls charged
 * (used quota ÷ `chargePerRequest`).
 */
import type { EmulatorContext, RequestInfo } from "./context";
import { ok, type Reply } from "./reply";

/** new-api's role numbers: 1 common user, 100 root. */
const ROLE = { common: 1, root: 100 } as const;

export function getSelf(ctx: EmulatorContext, _req: RequestInfo, userId: number, root: boolean): Reply {
  const used = ctx.store.liveList(userId).reduce((sum, rec) => sum + Math.max(0, rec.used_quota), 0);
  const perRequest = ctx.switches.chargePerRequest;
  return ok({
    id: userId,
    username: `user${userId}`,
    role: root ? ROLE.root : ROLE.common,
    status: 1,
    group: ctx.switches.userGroup,
    quota: ctx.switches.userQuota - used,
    used_quota: used,
    request_count: perRequest > 0 ? Math.floor(used / perRequest) : 0,
  });
}
