/**
 * What the caller's account may use, as new-api tells each user (`controller/user.go`,
 * `controller/group.go`):
 *
 * - `GET /api/user/models[?group=<name>]`: `data` = the model ids enabled in the caller's usable
 *   groups (all of them, de-duplicated), or in one usable group; a group the caller may not use
 *   answers `[]`. On `upstream-2026-08`, `?group=auto` answers the models of the auto groups. The
 *   older build answers `null` when no group has a model (Go's nil slice).
 * - `GET /api/user/self/groups`: `data` = `{ "<group>": { "ratio": <number>, "desc": "<text>" } }`,
 *   the groups the caller may select; `auto`'s ratio is the text `"自动"` ("automatic").
 *
 * Configured by the switches `groups` (the usable groups), `models` (the model ids; `model@group`
 * serves a model in that group only) and `accountRoutes` (`false`: an older build without these
 * two routes, which then answer the unknown-route 404).
 */
import type { EmulatorContext, RequestInfo } from "./context";
import { ok, type Reply } from "./reply";
import { SERVER_PROFILES } from "./serverProfiles";

/** The ratio new-api shows for `auto` (the service picks the group, so there is no one ratio). */
const AUTO_RATIO = "自动";

/** The `groups` switch: each `name` or `name=ratio`. */
function usableGroups(ctx: EmulatorContext): Map<string, number> {
  const groups = new Map<string, number>();
  for (const entry of ctx.switches.groups) {
    const [name = "", ratio] = entry.split("=");
    const parsed = ratio === undefined ? Number.NaN : Number(ratio);
    groups.set(name, Number.isFinite(parsed) ? parsed : 1);
  }
  return groups;
}

/** The model ids one group serves: every `models` entry without `@`, and `model@<group>`. */
function groupModels(ctx: EmulatorContext, group: string): string[] {
  const out: string[] = [];
  for (const entry of ctx.switches.models) {
    const at = entry.lastIndexOf("@");
    const id = at < 0 ? entry : entry.slice(0, at);
    if (at < 0 || entry.slice(at + 1) === group) out.push(id);
  }
  return out;
}

function distinct(lists: string[][]): string[] {
  return [...new Set(lists.flat())];
}

export function getUserModels(ctx: EmulatorContext, req: RequestInfo): Reply {
  const profile = SERVER_PROFILES[ctx.switches.serverProfile];
  const groups = usableGroups(ctx);
  const requested = req.query.get("group") ?? "";
  let models: string[];
  if (requested === "") {
    models = distinct([...groups.keys()].map((g) => groupModels(ctx, g)));
  } else if (!groups.has(requested)) {
    models = [];
  } else if (requested === "auto" && profile.autoGroupsRoute) {
    models = distinct([...groups.keys()].filter((g) => g !== "auto").map((g) => groupModels(ctx, g)));
  } else {
    models = groupModels(ctx, requested);
  }
  return ok(models.length === 0 && requested === "" && profile.emptyModelsAsNull ? null : models);
}

export function getUserGroups(ctx: EmulatorContext, _req: RequestInfo): Reply {
  const data: Record<string, { ratio: number | string; desc: string }> = {};
  for (const [name, ratio] of usableGroups(ctx)) {
    data[name] =
      name === "auto"
        ? { ratio: AUTO_RATIO, desc: "Automatically choose the best available group" }
        : { ratio, desc: `${name} group` };
  }
  return ok(data);
}
