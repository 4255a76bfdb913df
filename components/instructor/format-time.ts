/**
 * Durations as an instructor reads them at a glance in a roster: coarse enough to scan a column
 * ("12 min", "1 h 05 min"), with seconds only while they are all there is.
 */

/** "0 s", "45 s", "12 min", "1 h 05 min", "2 d 3 h". Negative or NaN input counts as 0. */
export function formatElapsed(ms: number): string {
  const seconds = Number.isFinite(ms) ? Math.max(0, Math.floor(ms / 1000)) : 0;
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${String(minutes % 60).padStart(2, "0")} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** "just now", "3 min ago", "1 h 05 min ago": for "last activity". */
export function formatAgo(ms: number): string {
  if (!Number.isFinite(ms) || ms < 10_000) return "just now";
  return `${formatElapsed(ms)} ago`;
}

/** Milliseconds between an ISO time and `nowMs`, or null when the time is missing or unreadable. */
export function msSince(iso: string | null, nowMs: number): number | null {
  if (iso === null) return null;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? null : nowMs - at;
}

/**
 * How far this browser's clock is behind the server's, from an answer stamped with the server's
 * time: "time in level" is computed against server times, and a laptop clock a minute off would
 * otherwise make every learner look a minute more (or less) stuck.
 */
export function clockOffsetMs(serverIso: string, receivedAtMs: number): number {
  const server = Date.parse(serverIso);
  return Number.isNaN(server) ? 0 : server - receivedAtMs;
}
