/**
 * `whenQuiet`: the wait that lets parallel work gather into one request. The id-resolution
 * listing and the batch reveal both wait while more of their callers are on the way (a create
 * still being sent, one started or a reveal asked for moments ago), up to a cap.
 */

/** How often the condition is looked at again. */
const POLL_MS = 10;

/**
 * Calls `done` once `moreComing()` answers false, or once `maxMs` have passed since the call.
 * The first look is immediate.
 * @example whenQuiet(() => resolver.busy, 5_000, flush)
 */
export function whenQuiet(moreComing: () => boolean, maxMs: number, done: () => void): void {
  const started = Date.now();
  const look = () => {
    if (moreComing() && Date.now() - started < maxMs) {
      setTimeout(look, POLL_MS);
      return;
    }
    done();
  };
  look();
}
