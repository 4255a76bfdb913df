"use client";

import { useId, useState } from "react";
import type { GradeHistoryEntry } from "@/lib/protocol/instructor-api";
import { CheckRow } from "@/components/grade-panel/check-row";
import { formatSeconds } from "@/components/level-page/environment-view";
import { CheckDots } from "./check-dots";

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

function HistoryEntry({ entry, defaultOpen }: { entry: GradeHistoryEntry; defaultOpen: boolean }) {
  const id = useId();
  const [open, setOpen] = useState(defaultOpen);
  const passed = entry.results.filter((r) => r.status === "pass").length;
  return (
    <li data-testid="grade-history-entry" data-passed={entry.passed} data-round={entry.round} className="rounded-xl border border-line bg-surface">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={`${id}-checks`}
        onClick={() => setOpen((v) => !v)}
        className="flex w-full flex-wrap items-center gap-x-3 gap-y-1 rounded-xl px-4 py-3 text-left text-sm hover:bg-raised/60"
      >
        <span aria-hidden="true" className={`text-xs text-faint transition ${open ? "rotate-90" : ""}`}>
          ▸
        </span>
        <time dateTime={entry.createdAt} className="font-mono text-xs text-muted tabular-nums">
          {timeFormat.format(new Date(entry.createdAt))}
        </time>
        <span className={`font-medium ${entry.passed ? "text-ok" : "text-bad"}`}>{entry.passed ? "Passed" : "Failed"}</span>
        <span className="text-muted">
          {entry.round === "chaos" ? "chaos round" : "main round"} · {passed}/{entry.results.length} checks · {formatSeconds(entry.durationMs)}
        </span>
        <span className="text-muted">{entry.gradedBy ? `graded by ${entry.gradedBy}` : "by the learner"}</span>
        {/* Hidden from screen readers here: the button already says "4/5 checks", and the dots'
            own sentence would make its name very long. The checks are listed when it opens. */}
        <span className="ml-auto" aria-hidden="true">
          <CheckDots checks={entry.results} testId="grade-history-dots" showCount={false} />
        </span>
      </button>
      <ol id={`${id}-checks`} hidden={!open} aria-label="Checks with evidence" className="space-y-1.5 border-t border-line px-3 py-3">
        {entry.results.map((check) => (
          <CheckRow key={check.id} check={check} defaultOpen={false} />
        ))}
      </ol>
    </li>
  );
}

/** The learner's grades, newest first; each opens to every check's explanation and evidence. */
export function GradeHistory({ grades }: { grades: readonly GradeHistoryEntry[] }) {
  if (grades.length === 0) return <p className="text-sm text-muted">No grades yet.</p>;
  return (
    <ol className="space-y-2" data-testid="grade-history">
      {grades.map((entry, i) => (
        <HistoryEntry key={entry.id} entry={entry} defaultOpen={i === 0 && !entry.passed} />
      ))}
    </ol>
  );
}
