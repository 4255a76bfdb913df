// Why: the outcome of the last Apply or Recreate, in one line under the editor's toolbar, so a
// learner sees what changed in the cluster without the editor losing its room.
import type { ActionableError, ApplyOutcome } from "@/lib/protocol/socket-events";
import { ErrorCallout } from "@/components/ui/error-callout";
import { Spinner } from "@/components/ui/spinner";

export type ApplyState =
  | { phase: "idle" }
  | { phase: "applying"; kind: "apply" | "recreate"; file: string }
  | { phase: "done"; kind: "apply" | "recreate"; file: string; outcome: ApplyOutcome; at: number }
  | { phase: "error"; kind: "apply" | "recreate"; file: string; error: ActionableError };

const actionStyle: Record<ApplyOutcome["applied"][number]["action"], string> = {
  created: "text-ok",
  configured: "text-accent",
  unchanged: "text-faint",
  deleted: "text-warn",
};

/** What the last apply did: each resource and its action, or why it failed. */
export function ApplyResult({ state }: { state: ApplyState }) {
  if (state.phase === "idle") return null;
  return (
    <div data-testid="apply-result" data-phase={state.phase} role="status" aria-live="polite">
      {state.phase === "applying" && (
        <p className="flex items-center gap-2 text-sm text-muted">
          <Spinner className="h-3.5 w-3.5" />
          {state.kind === "recreate" ? "Recreating from" : "Applying"} <span className="font-mono text-fg">{state.file}</span>…
        </p>
      )}
      {state.phase === "done" && (
        // One line under the toolbar: the editor keeps its room.
        <p className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5 text-xs">
          <span className="font-medium text-muted">
            {state.kind === "recreate" ? "Recreated from" : "Applied"} <span className="font-mono text-fg">{state.file}</span>
            {state.outcome.applied.length === 0 ? ": nothing to change." : ":"}
          </span>
          {state.outcome.applied.map((resource, index) => (
            <span key={`${resource.kind}/${resource.name}/${index}`} className="inline-flex items-baseline gap-1.5 font-mono text-[12px]">
              <span aria-hidden="true" className={actionStyle[resource.action]}>
                ●
              </span>
              <span className="text-fg">
                {resource.kind.toLowerCase()}/{resource.name}
              </span>
              <span className={actionStyle[resource.action]}>{resource.action}</span>
            </span>
          ))}
        </p>
      )}
      {state.phase === "error" && <ErrorCallout error={state.error} />}
    </div>
  );
}
