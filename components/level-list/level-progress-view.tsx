"use client";
// Why: the level list is rendered on the server, but what this learner has passed and earned
// is theirs (their session cookie); these client leaves fetch it once and mark the page, so
// the list's figures agree with the level page and the profile (issue 16, item 8).

import { createContext, use, useEffect, useMemo, useState, type ReactNode } from "react";
import type { ProfileView } from "@/lib/protocol/account-api";
import type { LevelSummary } from "@/lib/protocol/socket-events";
import { apiGet } from "@/lib/client/account-client";
import { listProgress, type ListProgress } from "./level-progress";

const ProgressContext = createContext<ListProgress | null>(null);

export function LevelProgressProvider({ levels, children }: { levels: readonly Pick<LevelSummary, "id" | "xp">[]; children: ReactNode }) {
  const [record, setRecord] = useState<ProfileView["levels"] | null>(null);
  useEffect(() => {
    void apiGet<ProfileView>("/api/profile").then((r) => {
      if (r.ok) setRecord(r.value.levels);
    });
  }, []);
  const progress = useMemo(() => listProgress(levels, record), [levels, record]);
  return <ProgressContext value={progress}>{children}</ProgressContext>;
}

/** "1 level · 250 XP to earn", or "1 of 1 level passed · 225 XP earned". */
export function ProgressHeadline({ className = "" }: { className?: string }) {
  const progress = use(ProgressContext);
  if (!progress) return null;
  return (
    <p data-testid="progress-headline" className={className}>
      {progress.headline}
    </p>
  );
}

/** The card's mark: passed (with the XP earned), and whether the chaos round was survived. */
export function LevelCardMark({ levelId, xp }: { levelId: string; xp: number }) {
  const mark = use(ProgressContext)?.marks.get(levelId);
  if (!mark?.passed) return null;
  return (
    <p data-testid={`level-passed-${levelId}`} className="mt-3 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs font-medium">
      <span className="inline-flex items-center gap-1 rounded-full border border-ok/40 bg-ok-soft px-2 py-0.5 text-ok">
        <span aria-hidden="true">✓</span> Passed
      </span>
      {mark.chaosPassed && <span className="text-xp">Chaos round survived</span>}
      <span className="text-muted">
        {mark.xp} of {xp} XP earned{mark.chaosPassed ? " (with the bonus)" : ""}
      </span>
    </p>
  );
}
