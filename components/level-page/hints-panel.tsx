"use client";

import type { LevelHint } from "@/lib/protocol/socket-events";
import { buttonStyles } from "@/components/ui/button-styles";
import { BulbIcon, LockIcon } from "@/components/ui/icons";
import { Markdown } from "@/components/ui/markdown";
import { hintViews } from "./hint-progress";

/**
 * Progressive hints: each one opens only after the previous one, and says what it costs
 * before it is opened.
 */
export function HintsPanel({
  hints,
  opened,
  onOpen,
}: {
  hints: readonly LevelHint[];
  opened: number;
  onOpen: (count: number) => void;
}) {
  if (hints.length === 0) return <p className="text-sm text-muted">This level has no hints. You've got this.</p>;
  const views = hintViews(hints, opened);
  return (
    <div>
      <p className="mb-3 text-xs text-muted">
        Stuck? Open hints one at a time; each builds on the one before. {opened} of {hints.length} opened.
      </p>
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
                  {hint.xpCost > 0 && (
                    <span className="shrink-0 text-[11px] font-medium text-faint">−{hint.xpCost} XP</span>
                  )}
                </h3>
                <Markdown className="mt-2 text-[13px]">{hint.body}</Markdown>
              </div>
            ) : (
              <div className="flex items-center justify-between gap-3 px-3.5 py-3">
                <div className="min-w-0">
                  <p className="flex items-center gap-1.5 text-sm font-medium text-fg">
                    {hint.state === "locked" ? (
                      <LockIcon className="h-3.5 w-3.5 text-faint" />
                    ) : (
                      <BulbIcon className="h-3.5 w-3.5 text-warn" />
                    )}
                    Hint {hint.number}
                  </p>
                  <p className="mt-0.5 text-xs text-muted">
                    {hint.state === "locked"
                      ? `Open hint ${hint.number - 1} first.`
                      : hint.xpCost > 0
                        ? `Opening this hint costs ${hint.xpCost} XP.`
                        : "Reveals the next step."}
                  </p>
                </div>
                {hint.state === "next" && (
                  <button
                    type="button"
                    data-testid={`hint-open-${hint.number}`}
                    onClick={() => onOpen(hint.number)}
                    className={`${buttonStyles.secondary} h-8 shrink-0`}
                  >
                    Open hint
                    {hint.xpCost > 0 && <span className="text-faint">(−{hint.xpCost} XP)</span>}
                  </button>
                )}
              </div>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
