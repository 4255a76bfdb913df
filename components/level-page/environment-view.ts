import type { EnvironmentPhase, ProgressEvent } from "@/lib/protocol/socket-events";

export const phaseLabels: Record<EnvironmentPhase, string> = {
  absent: "Not started",
  provisioning: "Starting",
  ready: "Ready",
  resetting: "Resetting",
  failed: "Failed",
};

/** Share of the work done, 0–100: steps before the current one are done, the current one is not. */
export function progressPercent(progress: Pick<ProgressEvent, "index" | "total" | "done"> | null): number {
  if (!progress || progress.total <= 0) return 0;
  if (progress.done) return 100;
  const completed = Math.min(Math.max(progress.index - 1, 0), progress.total);
  return Math.round((completed / progress.total) * 100);
}

/** "0 s", "42 s", "1 min 05 s": seconds are what a learner waiting for pods cares about. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
}

/** "12.3 s" for grading durations, which are often under a minute and worth a decimal. */
export function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : formatDuration(ms);
}
