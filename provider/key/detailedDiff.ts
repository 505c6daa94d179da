/**
 * The detailed diff both front doors give the engine: one entry per changed property, and for the
 * list inputs that are sets (`compare: "set"` in model/fields.ts) one entry per added or removed
 * element (`<property>[2]`). The engine's preview shows a detailed diff as it is, so adding a model shows as
 * one `+ [2]: "gpt-4o"` line rather than every shifted position as a rename; reordering is no
 * change at all (key/diff.ts). The kinds are named as Pulumi's `PropertyDiff.Kind` names them; each
 * front door turns them into its protocol's values ({@link fillDetailedDiff}).
 */
import { SET_FIELD_NAMES } from "../model/fieldRules.js";
import { setElementChanges } from "./diff.js";

/** A detailed-diff entry's kind, by its name in Pulumi's `PropertyDiff.Kind`. */
export type PropertyDiffKind =
  | "ADD"
  | "ADD_REPLACE"
  | "DELETE"
  | "DELETE_REPLACE"
  | "UPDATE"
  | "UPDATE_REPLACE";

/** What the lifecycle's diff found: the properties that differ, those of them that force a replacement. */
export interface DiffFindings {
  diffs: readonly string[];
  replaces: readonly string[];
}

/**
 * The detailed diff of `findings`, path by path. `olds` are the recorded outputs (whether a
 * property was there), `oldInputs` the recorded inputs: element paths index them, because the
 * engine shows a detailed diff against the old inputs.
 */
export function detailedDiffEntries(
  findings: DiffFindings,
  olds: Record<string, unknown>,
  oldInputs: Record<string, unknown> | undefined,
  news: Record<string, unknown>,
): Map<string, PropertyDiffKind> {
  const replaces = new Set(findings.replaces);
  const entries = new Map<string, PropertyDiffKind>();
  for (const name of findings.diffs) {
    const replace = replaces.has(name);
    const elements = elementChanges(name, oldInputs ?? olds, news);
    if (elements) {
      // An entry removed at the index where another was added shows as one update of that position.
      for (const i of elements.added) entries.set(`${name}[${i}]`, replace ? "ADD_REPLACE" : "ADD");
      for (const i of elements.removed) {
        const path = `${name}[${i}]`;
        const both = entries.has(path);
        entries.set(path, both ? kind("UPDATE", replace) : kind("DELETE", replace));
      }
      continue;
    }
    const change = olds[name] === undefined ? "ADD" : news[name] === undefined ? "DELETE" : "UPDATE";
    entries.set(name, kind(change, replace));
  }
  return entries;
}

function kind(change: "ADD" | "DELETE" | "UPDATE", replace: boolean): PropertyDiffKind {
  return replace ? `${change}_REPLACE` : change;
}

/** Added and removed elements of a set-valued property, when some were and both lists are known. */
function elementChanges(
  property: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): { added: number[]; removed: number[] } | undefined {
  const setProperty = SET_FIELD_NAMES.find((p) => p === property);
  if (setProperty === undefined) return undefined;
  const changes = setElementChanges(setProperty, olds, news);
  return changes && changes.added.length + changes.removed.length > 0 ? changes : undefined;
}

/** The parts of Pulumi's generated `provider_pb` module that a detailed diff needs. */
export interface ProviderProtocol {
  PropertyDiff: {
    new (): { setKind(kind: number): unknown; setInputdiff(value: boolean): unknown };
    Kind: Record<PropertyDiffKind, number>;
  };
}

/** The parts of a `DiffResponse` that carry a detailed diff. */
export interface DetailedDiffResponse {
  setDiffsList(names: string[]): unknown;
  setHasdetaileddiff(value: boolean): unknown;
  getDetaileddiffMap(): { set(key: string, value: unknown): unknown };
}

/** Writes `entries` into `response`, marking it as a detailed diff of the inputs. */
export function fillDetailedDiff(
  pb: ProviderProtocol,
  response: DetailedDiffResponse,
  findings: DiffFindings,
  entries: Map<string, PropertyDiffKind>,
): void {
  response.setDiffsList([...findings.diffs]);
  response.setHasdetaileddiff(true);
  const map = response.getDetaileddiffMap();
  for (const [path, entryKind] of entries) {
    const entry = new pb.PropertyDiff();
    entry.setKind(pb.PropertyDiff.Kind[entryKind]);
    entry.setInputdiff(true);
    map.set(path, entry);
  }
}
