import type { LevelState } from "@/lib/protocol/instructor-api";
import { stateLabels } from "./roster-view";

const stateClass: Record<LevelState, string> = {
  "not-started": "border-line-strong bg-raised text-muted",
  "in-progress": "border-accent/40 bg-accent-soft text-accent",
  passed: "border-ok/40 bg-ok-soft text-ok",
  "chaos-survived": "border-xp/40 bg-xp/10 text-xp",
};

/** A learner's state on their level, as a coloured pill with its words (never colour alone). */
export function StateBadge({ state, stuck = false }: { state: LevelState; stuck?: boolean }) {
  return (
    <span className="inline-flex items-center gap-1.5">
      <span
        data-testid="state-badge"
        data-state={state}
        className={`inline-flex items-center rounded-full border px-2 py-0.5 text-xs font-medium whitespace-nowrap ${stateClass[state]}`}
      >
        {stateLabels[state]}
      </span>
      {stuck && (
        <span data-testid="stuck-badge" className="rounded-full border border-warn/40 bg-warn-soft px-2 py-0.5 text-xs font-medium whitespace-nowrap text-warn">
          Stuck
        </span>
      )}
    </span>
  );
}
