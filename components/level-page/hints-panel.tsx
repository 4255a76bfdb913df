"use client";

import { useState } from "react";
import type { LevelDetail } from "@/lib/protocol/socket-events";
import { buttonStyles } from "@/components/ui/button-styles";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { ErrorCallout } from "@/components/ui/error-callout";
import { BulbIcon, LockIcon } from "@/components/ui/icons";
import { Markdown } from "@/components/ui/markdown";
import { Spinner } from "@/components/ui/spinner";
import { hintViews } from "./hint-progress";
import type { LevelHelp } from "./use-level-help";

/**
 * Progressive hints and, last, the solution. Each opens on the server, which records what it
 * costs; the panel says before opening what it costs and what the level will then be worth.
 */
export function HintsPanel({ level, help }: { level: LevelDetail; help: LevelHelp }) {
  const [confirmSolution, setConfirmSolution] = useState(false);
  // A hint that costs XP is charged only after the learner confirms (one click charged at once).
  const [confirmHint, setConfirmHint] = useState<number | null>(null);
  const state = help.state;
  if (!state) {
    return help.error ? (
      <ErrorCallout error={help.error} />
    ) : (
      <p className="flex items-center gap-2 text-sm text-muted">
        <Spinner /> Loading hints…
      </p>
    );
  }
  const views = hintViews(level.hints, state.openedHints, level, state);
  const awarded = state.xpAwarded !== null;
  const allOpen = state.openedHints.length >= level.hints.length;

  return (
    <div>
      <p className="mb-3 text-xs text-muted" data-testid="level-worth" data-worth={state.worth}>
        {awarded ? (
          <>You earned {state.xpAwarded} XP on this level; hints no longer cost anything.</>
        ) : (
          <>
            Passing now earns <strong className="text-fg">{state.worth} XP</strong>. Open hints one at a time; each builds on the one before.{" "}
            {state.openedHints.length} of {level.hints.length} opened.
          </>
        )}
      </p>
      {help.error && <ErrorCallout error={help.error} className="mb-3" />}
      <ol className="space-y-2.5">
        {views.map((hint) => (
          <li
            key={hint.number}
            className={`rounded-lg border ${hint.state === "open" ? "border-line-strong bg-surface" : "border-dashed border-line bg-canvas"}`}
          >
            {hint.state === "open" ? (
              <div data-testid={`hint-${hint.number}`} className="px-3.5 py-3">
                <h3 className="flex items-baseline justify-between gap-3 text-sm font-semibold text-white">
                  <span>
                    <span className="mr-1.5 font-mono text-xs text-accent">Hint {hint.number}</span>
                    {hint.title}
                  </span>
                  {hint.xpCost > 0 && <span className="shrink-0 text-[11px] font-medium text-faint">−{hint.xpCost} XP</span>}
                </h3>
                <Markdown className="mt-2 text-[13px]">{hint.body ?? ""}</Markdown>
              </div>
            ) : (
              <div className="flex items-center justify-between gap-3 px-3.5 py-3">
                <div className="min-w-0">
                  <p className="flex items-center gap-1.5 text-sm font-medium text-fg">
                    {hint.state === "locked" ? <LockIcon className="h-3.5 w-3.5 text-faint" /> : <BulbIcon className="h-3.5 w-3.5 text-warn" />}
                    Hint {hint.number}
                  </p>
                  <p className="mt-0.5 text-xs text-muted">
                    {hint.state === "locked"
                      ? `Open hint ${hint.number - 1} first.`
                      : awarded || hint.xpCost === 0
                        ? "Reveals the next step."
                        : `Costs ${hint.xpCost} XP: the level will then be worth ${hint.worthAfter} XP.`}
                  </p>
                </div>
                {hint.state === "next" && (
                  <button
                    type="button"
                    data-testid={`hint-open-${hint.number}`}
                    disabled={help.pending !== null}
                    onClick={() => (awarded || hint.xpCost === 0 ? help.openHint(hint.number - 1) : setConfirmHint(hint.number))}
                    className={`${buttonStyles.secondary} h-8 shrink-0`}
                  >
                    {help.pending === "hint" ? <Spinner /> : null}
                    Open hint
                    {hint.xpCost > 0 && !awarded && <span className="text-faint">(−{hint.xpCost} XP)</span>}
                  </button>
                )}
              </div>
            )}
          </li>
        ))}
      </ol>

      <section className="mt-4 rounded-lg border border-dashed border-line bg-canvas px-3.5 py-3" aria-labelledby="solution-heading">
        <h3 id="solution-heading" className="text-sm font-semibold text-white">
          Solution
        </h3>
        {state.solution !== null ? (
          <div data-testid="solution">
            <Markdown className="mt-2 text-[13px]">{state.solution}</Markdown>
          </div>
        ) : (
          <div className="mt-1 flex items-center justify-between gap-3">
            <p className="text-xs text-muted">
              {awarded
                ? "Already passed: revealing the solution costs nothing now."
                : `Revealing the solution makes this level worth 0 XP (now ${state.worth} XP)${allOpen ? "" : "; try the hints first"}.`}
            </p>
            <button
              type="button"
              data-testid="solution-reveal"
              disabled={help.pending !== null}
              onClick={() => (awarded ? help.revealSolution() : setConfirmSolution(true))}
              className={`${buttonStyles.secondary} h-8 shrink-0`}
            >
              {help.pending === "solution" ? <Spinner /> : null}
              Reveal solution
            </button>
          </div>
        )}
      </section>

      {(() => {
        const pending = confirmHint === null ? undefined : views[confirmHint - 1];
        return (
          <ConfirmDialog
            open={pending !== undefined}
            title={pending ? `Open hint ${pending.number} for ${pending.xpCost} XP?` : "Open the hint?"}
            confirmLabel={pending ? `Open it (−${pending.xpCost} XP)` : "Open it"}
            destructive={false}
            onConfirm={() => {
              setConfirmHint(null);
              if (pending) help.openHint(pending.number - 1);
            }}
            onCancel={() => setConfirmHint(null)}
          >
            {pending && (
              <>
                Passing this level now earns {state.worth} XP. After this hint it earns {pending.worthAfter} XP. An opened
                hint stays open and its cost stays spent, even after a reset.
              </>
            )}
          </ConfirmDialog>
        );
      })()}

      <ConfirmDialog
        open={confirmSolution}
        title="Reveal the solution?"
        confirmLabel="Reveal it (0 XP)"
        onConfirm={() => {
          setConfirmSolution(false);
          help.revealSolution();
        }}
        onCancel={() => setConfirmSolution(false)}
      >
        This level is worth {state.worth} XP now. Once you see the solution, passing it earns no XP and no chaos bonus. This cannot be undone.
      </ConfirmDialog>
    </div>
  );
}
