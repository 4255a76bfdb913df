"use client";
// Why: one grader check as a learner reads it: the verdict at a glance; on expansion why it
// matters, what the grader saw, what is wrong (free), and where the next paid hint is for how
// to fix it. Level text marks code with backticks: it is shown as code.

import { useId, useState } from "react";
import type { CheckResult, CheckStatus } from "@/lib/protocol/socket-events";
import { Spinner } from "@/components/ui/spinner";
import { InlineCode } from "@/components/ui/inline-code";
import { formatSeconds } from "@/components/level-page/environment-view";
import type { NextHelp } from "@/components/level-page/hint-progress";

const statusText: Record<CheckStatus, string> = {
  pending: "Pending",
  running: "Running",
  pass: "Passed",
  fail: "Failed",
  skipped: "Skipped",
  error: "Could not be checked",
};

function StatusIcon({ status }: { status: CheckStatus }) {
  switch (status) {
    case "running":
      return <Spinner className="h-4 w-4 text-accent" />;
    case "pass":
      return (
        <span aria-hidden="true" className="flex h-4 w-4 items-center justify-center rounded-full bg-ok text-[10px] font-bold text-canvas">
          ✓
        </span>
      );
    case "fail":
      return (
        <span aria-hidden="true" className="flex h-4 w-4 items-center justify-center rounded-full bg-bad text-[10px] font-bold text-canvas">
          ✕
        </span>
      );
    case "error":
      // Amber, not red: this is KubeQuest failing to look, not the learner's fix failing.
      return (
        <span aria-hidden="true" className="flex h-4 w-4 items-center justify-center rounded-full bg-warn text-[10px] font-bold text-canvas">
          !
        </span>
      );
    case "skipped":
      return (
        <span aria-hidden="true" className="flex h-4 w-4 items-center justify-center rounded-full border border-line-strong text-[10px] text-faint">
          –
        </span>
      );
    case "pending":
      return <span aria-hidden="true" className="h-4 w-4 rounded-full border-2 border-dashed border-line-strong" />;
  }
}

/** One grader check: status at a glance, and on expansion why it matters and what was seen. */
/** Paragraphs of a check's text (the server joins the check's reason and the level's hint with a blank line). */
function Paragraphs({ text }: { text: string }) {
  return (
    <>
      {text
        .split(/\n{2,}/)
        .filter((p) => p.trim() !== "")
        .map((paragraph, index) => (
          <span key={index} className={index > 0 ? "mt-1.5 block" : "block"}>
            <InlineCode text={paragraph} />
          </span>
        ))}
    </>
  );
}

export function CheckRow({
  check,
  defaultOpen,
  nextHelp = null,
  onShowHints,
}: {
  check: CheckResult;
  defaultOpen: boolean;
  /** For a failed check: the next hint (or the solution) to point to. */
  nextHelp?: NextHelp | null;
  onShowHints?: () => void;
}) {
  const [open, setOpen] = useState(defaultOpen);
  const [seenDefault, setSeenDefault] = useState(defaultOpen);
  // Open a check when it newly fails (the learner wants to see why), without fighting a manual close.
  if (defaultOpen !== seenDefault) {
    setSeenDefault(defaultOpen);
    if (defaultOpen) setOpen(true);
  }
  const id = useId();
  // The server's hint starts with the check's own reason: said once, as "what is wrong".
  const lookNext = check.reason && check.hint?.startsWith(check.reason) ? check.hint.slice(check.reason.length).trim() : check.hint;
  const hasDetails = check.explanation !== "" || check.evidence.length > 0 || Boolean(check.hint);

  return (
    <li data-testid={`grade-check-${check.id}`} data-status={check.status} className="rounded-lg border border-line bg-surface">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={`${id}-details`}
        onClick={() => setOpen((value) => !value)}
        disabled={!hasDetails}
        className="flex w-full items-start gap-2.5 rounded-lg px-3 py-2.5 text-left disabled:cursor-default"
      >
        <span className="mt-0.5">
          <StatusIcon status={check.status} />
        </span>
        <span className="min-w-0 flex-1">
          <span className="block text-sm leading-snug font-medium text-fg">{check.title}</span>
          <span className="sr-only">: {statusText[check.status]}</span>
          {check.status === "running" && check.progress && (
            <span className="mt-0.5 block font-mono text-[11px] text-accent">{check.progress}</span>
          )}
        </span>
        {check.durationMs !== undefined && check.status !== "running" && (
          <span className="mt-0.5 shrink-0 font-mono text-[11px] text-faint tabular-nums">{formatSeconds(check.durationMs)}</span>
        )}
        {hasDetails && (
          <span aria-hidden="true" className={`mt-0.5 shrink-0 text-xs text-faint transition ${open ? "rotate-90" : ""}`}>
            ▸
          </span>
        )}
      </button>
      <div id={`${id}-details`} hidden={!open} className="space-y-2.5 border-t border-line px-3 py-3 text-[13px]">
        {check.explanation && (
          <p className="leading-relaxed text-muted">
            <InlineCode text={check.explanation} />
          </p>
        )}
        {check.evidence.length > 0 && (
          <div>
            <p className="mb-1 text-[11px] font-semibold tracking-wide text-faint uppercase">What the grader saw</p>
            <pre className="max-h-48 overflow-auto rounded-md border border-line bg-canvas px-2.5 py-2 font-mono text-[11.5px] leading-relaxed whitespace-pre-wrap text-fg">
              {check.evidence.join("\n")}
            </pre>
          </div>
        )}
        {check.status === "error" && check.hint && (
          <p data-testid="grade-check-error-hint" className="rounded-md border border-warn/40 bg-warn-soft px-2.5 py-2 leading-relaxed text-fg">
            <Paragraphs text={check.hint} />
          </p>
        )}
        {check.status === "fail" && check.reason && (
          <p data-testid="grade-check-reason" className="leading-relaxed text-fg">
            <span className="font-semibold text-bad">What is wrong: </span>
            <InlineCode text={check.reason} />
          </p>
        )}
        {check.status === "fail" && lookNext && (
          <p className="rounded-md border border-warn/30 bg-warn-soft px-2.5 py-2 leading-relaxed text-fg">
            <span className="font-semibold text-warn">Look next: </span>
            <Paragraphs text={lookNext} />
          </p>
        )}
        {check.status === "fail" && nextHelp && (
          <p data-testid="next-hint-pointer" className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-muted">
            <span>
              {nextHelp.kind === "hint" ? (
                <>
                  Stuck? <strong className="text-fg">Hint {nextHelp.number}</strong> says more about how to fix it
                  {nextHelp.xpCost > 0 ? ` (−${nextHelp.xpCost} XP).` : " (free now)."}
                </>
              ) : (
                <>Every hint is open; the solution is last in the Hints tab.</>
              )}
            </span>
            {onShowHints && (
              <button type="button" onClick={onShowHints} className="font-medium text-accent underline underline-offset-2 hover:text-white">
                {nextHelp.kind === "hint" ? `Go to hint ${nextHelp.number}` : "Go to the solution"}
              </button>
            )}
          </p>
        )}
      </div>
    </li>
  );
}
