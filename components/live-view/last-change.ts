/**
 * Why: the live view's header said "Live · 05:37:25 AM", the time of the namespace's last
 * change, which read like a frozen clock (issue 16, item 10). It now says how long ago that
 * change was, and keeps counting.
 */
export function lastChangeText(updatedAtIso: string, now: number): string {
  const at = Date.parse(updatedAtIso);
  if (Number.isNaN(at)) return "";
  const seconds = Math.max(0, Math.floor((now - at) / 1000));
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ago`;
}
