/**
 * Two small tools for pages that reload data as live events arrive, kept free of React so they
 * are unit-tested:
 *
 * - `createLatestGate`: "latest response wins". Requests can answer out of order (a slow one
 *   started first lands after a fast one started later); each request takes a ticket, and only
 *   the newest ticket's answer may be shown. Older answers are dropped, never merged.
 * - `debounce`: many triggers in a burst (a learner acting several times a second) become one
 *   call once the burst settles, with `maxWaitMs` so a learner who never stops still shows up.
 */

export interface LatestGate {
  /** Starts a request: the returned function says whether its answer is still the newest. */
  begin(): () => boolean;
  /** Makes every request begun so far stale (the page moved on, or went away). */
  invalidate(): void;
}

export function createLatestGate(): LatestGate {
  // A sequence number, not a boolean per request: a ticket is current only while no later
  // request (or invalidation) has happened, whichever order the answers arrive in.
  let sequence = 0;
  return {
    begin() {
      sequence += 1;
      const mine = sequence;
      return () => mine === sequence;
    },
    invalidate() {
      sequence += 1;
    },
  };
}

export interface Debounced {
  /** Asks for a call: it happens `waitMs` after the last ask, or `maxWaitMs` after the first. */
  (): void;
  /** Drops a pending call. */
  cancel(): void;
  /** Makes a pending call now (nothing if none is pending). */
  flush(): void;
  /** Whether a call is waiting. */
  pending(): boolean;
}

export function debounce(fn: () => void, { waitMs, maxWaitMs = Number.POSITIVE_INFINITY }: { waitMs: number; maxWaitMs?: number }): Debounced {
  if (!(waitMs >= 0)) throw new RangeError(`debounce: waitMs must be 0 or more, got ${waitMs}`);
  if (!(maxWaitMs >= waitMs)) throw new RangeError(`debounce: maxWaitMs (${maxWaitMs}) must be at least waitMs (${waitMs})`);
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** When the first ask of the current burst came (ms), or null when nothing is pending. */
  let firstAskAt: number | null = null;

  function clear() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    firstAskAt = null;
  }
  function fire() {
    clear();
    fn();
  }

  const debounced = (() => {
    const now = Date.now();
    firstAskAt ??= now;
    if (timer !== null) clearTimeout(timer);
    const untilMax = firstAskAt + maxWaitMs - now;
    timer = setTimeout(fire, Math.max(0, Math.min(waitMs, untilMax)));
  }) as Debounced;
  debounced.cancel = clear;
  debounced.flush = () => {
    if (timer !== null) fire();
  };
  debounced.pending = () => timer !== null;
  return debounced;
}
