import type { RosterCheck } from "@/lib/protocol/instructor-api";
import type { CheckStatus } from "@/lib/protocol/socket-events";

// Shape as well as colour, for anyone who cannot tell the red from the green: a passed check is a
// round dot, a failed one a square; skipped and pending are hollow; a check KubeQuest could not
// run (error) is an amber diamond: not the learner's failure.
const dotClass: Record<CheckStatus, string> = {
  pass: "rounded-full bg-ok border-ok",
  fail: "rounded-[1px] bg-bad border-bad",
  skipped: "rounded-full bg-transparent border-line-strong",
  pending: "rounded-full bg-transparent border-faint border-dashed",
  running: "rounded-full bg-accent/40 border-accent animate-pulse",
  error: "rotate-45 rounded-[1px] bg-warn border-warn",
};

const statusWords: Record<CheckStatus, string> = {
  pass: "passed",
  fail: "failed",
  skipped: "skipped",
  pending: "pending",
  running: "running",
  error: "could not be checked",
};

/**
 * A grade's checks as a compact row of dots: green round passed, red square failed, hollow
 * skipped, then "3/5" in words (unless the caller already says it). Each dot has its check's
 * title on hover, and the whole row reads as one sentence to a screen reader.
 */
export function CheckDots({ checks, testId = "check-dots", showCount = true }: { checks: readonly RosterCheck[]; testId?: string; showCount?: boolean }) {
  if (checks.length === 0) return <span className="text-xs text-faint">—</span>;
  const passed = checks.filter((c) => c.status === "pass").length;
  const label = `${passed} of ${checks.length} checks passed: ${checks.map((c) => `${c.title} ${statusWords[c.status]}`).join(", ")}`;
  return (
    <span data-testid={testId} data-passed={passed} data-total={checks.length} role="img" aria-label={label} className="inline-flex items-center gap-1">
      {checks.map((check) => (
        <span
          key={check.id}
          data-check={check.id}
          data-status={check.status}
          title={`${check.title}: ${statusWords[check.status]}`}
          className={`inline-block h-2.5 w-2.5 border ${dotClass[check.status]}`}
        />
      ))}
      {showCount && (
        <span aria-hidden="true" className="ml-1 text-xs text-muted tabular-nums">
          {passed}/{checks.length}
        </span>
      )}
    </span>
  );
}
