import type { ProgressEvent } from "@/lib/protocol/socket-events";
import { formatDuration, progressPercent } from "./environment-view";

/** The environment's start/reset progress: step name, step i of n, elapsed seconds, and a bar. */
export function EnvironmentProgress({
  progress,
  elapsedMs,
  label,
}: {
  progress: ProgressEvent | null;
  elapsedMs: number;
  label: string;
}) {
  const percent = progressPercent(progress);
  const step = progress ? progress.step : "Waiting for the server…";
  const stepCount = progress ? `${Math.min(progress.index, progress.total)}/${progress.total}` : null;
  return (
    <div data-testid="env-progress" className="flex min-w-0 items-center gap-3" aria-live="polite">
      <div className="min-w-0">
        <div className="flex items-baseline gap-2 text-xs">
          <span className="truncate font-medium text-fg" title={step}>
            {step}
          </span>
          {stepCount && <span className="shrink-0 font-mono text-muted tabular-nums">{stepCount}</span>}
          <span className="shrink-0 font-mono text-faint tabular-nums">{formatDuration(elapsedMs)}</span>
        </div>
        <div
          role="progressbar"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          aria-valuetext={progress ? `Step ${progress.index} of ${progress.total}: ${progress.step}` : "Starting"}
          className="mt-1 h-1.5 w-56 overflow-hidden rounded-full bg-overlay"
        >
          <div
            className={`h-full rounded-full bg-accent transition-[width] duration-500 ${progress ? "" : "animate-pulse"}`}
            style={{ width: `${Math.max(percent, 4)}%` }}
          />
        </div>
      </div>
    </div>
  );
}
