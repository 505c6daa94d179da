/**
 * Detailed-diff entries for the list inputs that are sets (`compare: "set"` in keyFields.ts): one
 * element path per added or removed entry (`<property>[2]`), so the engine shows `+ [2]: "gpt-4o"` rather
 * than every shifted position as a rename. Reordering is no change at all (see provider/keyDiff.ts).
 */
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { SET_PROPERTIES, setElementChanges } from "../provider/keyDiff.js";

const Kind = proto.PropertyDiff.Kind;

/**
 * The element paths and their kinds for `property` when it is a set-valued list with known entries
 * on both sides and some entry added or removed; `undefined` otherwise (the property diffs as a whole).
 */
export function elementPaths(
  property: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  replaces: boolean,
): [string, proto.PropertyDiff.Kind][] | undefined {
  const setProperty = SET_PROPERTIES.find((p) => p === property);
  if (setProperty === undefined) return undefined;
  const changes = setElementChanges(setProperty, olds, news);
  if (changes === undefined || changes.added.length + changes.removed.length === 0) return undefined;
  // An entry removed at the index where another was added shows as one update of that position.
  const paths = new Map<string, proto.PropertyDiff.Kind>();
  for (const i of changes.added) paths.set(`${property}[${i}]`, replaces ? Kind.ADD_REPLACE : Kind.ADD);
  for (const i of changes.removed) {
    const path = `${property}[${i}]`;
    const both = paths.has(path);
    paths.set(
      path,
      replaces ? (both ? Kind.UPDATE_REPLACE : Kind.DELETE_REPLACE) : both ? Kind.UPDATE : Kind.DELETE,
    );
  }
  return [...paths];
}
