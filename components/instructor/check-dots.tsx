import type { RosterCheck } from "@/lib/protocol/instructor-api";
import type { CheckStatus } from "@/lib/protocol/socket-events";

const dotClass: Record<CheckStatus, string> = {
  pass: "bg-ok border-ok",
  fail: "bg-bad border-bad",
  skipped: "bg-transparent border-line-strong",
  pending: "bg-transparent border-faint border-dashed",
  running: "bg-accent/40 border-accent animate-pulse",
};

const statusWords: Record<CheckStatus, string> = {
  pass: "passed",
  fail: "failed",
  skipped: "skipped",
  pending: "pending",
  running: "running",
};

/**
 * A grade's checks as a compact row of dots: green passed, red failed, hollow skipped. Each dot
 * has its check's title on hover, and the whole row reads as one sentence to a screen reader.
 */
export function CheckDots({ checks, testId = "check-dots" }: { checks: readonly RosterCheck[]; testId?: string }) {
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
          className={`inline-block h-2.5 w-2.5 rounded-full border ${dotClass[check.status]}`}
        />
      ))}
    </span>
  );
}
