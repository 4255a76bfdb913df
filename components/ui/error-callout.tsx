import type { ActionableError } from "@/lib/protocol/socket-events";
import { buttonStyles } from "./button-styles";

/**
 * An error as a learner should see it: what went wrong and what to do about it. Never a stack
 * trace; `code` is kept as a data attribute for tests and bug reports.
 */
export function ErrorCallout({
  error,
  onRetry,
  retryLabel = "Try again",
  testId,
  className = "",
}: {
  error: ActionableError;
  onRetry?: () => void;
  retryLabel?: string;
  testId?: string;
  className?: string;
}) {
  return (
    <div
      role="alert"
      data-testid={testId}
      data-error-code={error.code}
      className={`flex gap-3 rounded-lg border border-bad/40 bg-bad-soft/60 px-3.5 py-3 text-sm ${className}`}
    >
      <span aria-hidden="true" className="mt-0.5 font-bold text-bad">
        !
      </span>
      <div className="min-w-0 flex-1">
        <p className="font-medium text-fg">{error.message}</p>
        {error.action && <p className="mt-1 text-muted">{error.action}</p>}
        {onRetry && (
          <button type="button" onClick={onRetry} className={`${buttonStyles.secondary} mt-2.5 h-8`}>
            {retryLabel}
          </button>
        )}
      </div>
    </div>
  );
}
