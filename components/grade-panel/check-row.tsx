"use client";
// Why: one grader check as a learner reads it: the verdict at a glance; on expansion why it
// matters, what the grader saw, what is wrong (free), and where the next paid hint is for how
// to fix it. Level text marks code with backticks: it is shown as code. A check the server
// also evaluates live carries a "Live" mark with its verdict now, apart from the grader's (the
// icon), whose last evidence stays readable: only the grader's verdict counts.

import { useId, useState } from "react";
import type { CheckResult, CheckStatus, LiveCheck } from "@/lib/protocol/socket-events";
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

/** The live verdict beside the grader's: green or red, and always saying "Live". */
function LiveMark({ verdict }: { verdict: "pass" | "fail" }) {
  return (
    <span
      data-testid="live-verdict"
      data-verdict={verdict}
      className={`mt-0.5 inline-flex shrink-0 items-center gap-1 rounded-full border px-1.5 py-px text-[10px] font-semibold tracking-wide uppercase ${
        verdict === "pass" ? "border-ok/50 bg-ok-soft text-ok" : "border-bad/50 bg-bad-soft text-bad"
      }`}
    >
      <span aria-hidden="true">{verdict === "pass" ? "✓" : "✕"}</span>
      Live
      <span className="sr-only">{verdict === "pass" ? ": passes now" : ": fails now"}</span>
    </span>
  );
}

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

/** One grader check: status at a glance, and on expansion why it matters and what was seen. */
export function CheckRow({
  check,
  defaultOpen,
  nextHelp = null,
  onShowHints,
  graded = true,
  live = null,
}: {
  check: CheckResult;
  defaultOpen: boolean;
  /** For a failed check: the next hint (or the solution) to point to. */
  nextHelp?: NextHelp | null;
  onShowHints?: () => void;
  /** False: no "Check my work" has run yet (the row is the level's check, pending). */
  graded?: boolean;
  /** The server's live view of this check, when the level page has one. */
  live?: LiveCheck | null;
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
  const liveVerdict = live?.verdict;
  const liveEvidence = live?.evidence ?? [];
  const sameAsGraded = graded && liveEvidence.length > 0 && liveEvidence.join("\n") === check.evidence.join("\n");
  const hasDetails = check.explanation !== "" || check.evidence.length > 0 || Boolean(check.hint) || liveVerdict !== undefined;

  return (
    <li
      data-testid={`grade-check-${check.id}`}
      data-status={check.status}
      data-live={liveVerdict ?? (live?.live ? "unknown" : "none")}
      className="rounded-lg border border-line bg-surface"
    >
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
          <span className="sr-only">: {graded ? statusText[check.status] : "Not checked yet"}</span>
          {!graded && live && !live.live && (
            <span data-testid="grade-only-note" className="mt-0.5 block text-[11px] text-faint">
              Checked when you press Check my work
            </span>
          )}
          {check.status === "running" && check.progress && (
            <span className="mt-0.5 block font-mono text-[11px] text-accent">{check.progress}</span>
          )}
        </span>
        {liveVerdict && <LiveMark verdict={liveVerdict} />}
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
        {liveVerdict && (
          <div data-testid="live-details">
            <p className="mb-1 text-[11px] font-semibold tracking-wide text-faint uppercase">
              Live now <span className="font-normal tracking-normal normal-case">(follows your namespace; not a grade)</span>
            </p>
            {liveVerdict === "fail" && live?.reason && (
              <p data-testid="live-reason" className="mb-1.5 leading-relaxed text-fg">
                <span className="font-semibold text-bad">Wrong now: </span>
                <InlineCode text={live.reason} />
              </p>
            )}
            {sameAsGraded ? (
              <p className="text-xs text-muted">The same as at your last Check my work (below).</p>
            ) : (
              liveEvidence.length > 0 && (
                <pre className="max-h-48 overflow-auto rounded-md border border-line bg-canvas px-2.5 py-2 font-mono text-[11.5px] leading-relaxed whitespace-pre-wrap text-fg">
                  {liveEvidence.join("\n")}
                </pre>
              )
            )}
          </div>
        )}
        {check.evidence.length > 0 && (
          <div>
            <p className="mb-1 text-[11px] font-semibold tracking-wide text-faint uppercase">
              {live ? "What the grader saw at your last Check my work" : "What the grader saw"}
            </p>
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
