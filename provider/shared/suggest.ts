/**
 * "Did you mean …?": the available ids closest to one that is not available, by edit distance
 * (insertions, deletions, substitutions and swaps of neighbours, ignoring case), so a typo such
 * as `gpt-4o-mnii` finds `gpt-4o-mini`.
 */

/** How many suggestions a message names at most. */
export const MAX_SUGGESTIONS = 3;

/**
 * The optimal-string-alignment distance between `a` and `b`: the fewest single-character
 * insertions, deletions, substitutions and swaps of two neighbours that turn one into the other.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => (d[i] as number[])[j] as number;
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The ids of `available` closest to `wanted`, nearest first (ties in `available`'s order), at
 * most `MAX_SUGGESTIONS`; only ids within a third of the longer length (at least 2 edits), so an
 * unrelated id is never suggested.
 */
export function closestIds(wanted: string, available: readonly string[]): string[] {
  const target = wanted.toLowerCase();
  return available
    .map((id, index) => {
      const distance = editDistance(target, id.toLowerCase());
      const limit = Math.max(2, Math.floor(Math.max(target.length, id.length) / 3));
      return { id, index, distance, limit };
    })
    .filter((c) => c.distance <= c.limit)
    .sort((x, y) => x.distance - y.distance || x.index - y.index)
    .slice(0, MAX_SUGGESTIONS)
    .map((c) => c.id);
}

/** `; did you mean "a" or "b"?`, or nothing when no id is close. */
export function didYouMean(wanted: string, available: readonly string[]): string {
  const close = closestIds(wanted, available).map((id) => `"${id}"`);
  if (close.length === 0) return "";
  const listed = close.length === 1 ? close[0] : `${close.slice(0, -1).join(", ")} or ${close.at(-1)}`;
  return `; did you mean ${listed}?`;
}
