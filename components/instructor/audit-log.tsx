"use client";

import { useCallback, useEffect, useState } from "react";
import type { AuditAction, AuditEntry } from "@/lib/protocol/instructor-api";
import type { ActionableError } from "@/lib/protocol/socket-events";
import { instructorApi } from "@/lib/client/instructor-client";
import type { KubeQuestSocket } from "@/lib/client/socket";
import { useSocketEvent } from "@/lib/client/use-socket";
import { ErrorCallout } from "@/components/ui/error-callout";
import { Spinner } from "@/components/ui/spinner";

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

export const auditActionLabels: Record<AuditAction, string> = {
  "cohort.create": "Cohort created",
  "cohort.invite-rotated": "New invite code",
  "cohort.join": "Joined",
  "cohort.leave": "Left",
  "learner.grade": "Graded by instructor",
  "learner.reset": "Environment reset",
  "cohort.grade": "Cohort graded",
};

/** Newest first, each entry once (the live event and a reload may both bring it). */
export function mergeAuditEntries(current: readonly AuditEntry[], incoming: readonly AuditEntry[]): AuditEntry[] {
  const byId = new Map<string, AuditEntry>();
  for (const entry of [...incoming, ...current]) if (!byId.has(entry.id)) byId.set(entry.id, entry);
  return [...byId.values()].sort((a, b) => b.at.localeCompare(a.at));
}

/** A list of audit entries: when, who, what, to whom, and the outcome. */
export function AuditList({ entries, showLearner = true }: { entries: readonly AuditEntry[]; showLearner?: boolean }) {
  if (entries.length === 0) return <p className="text-sm text-muted">Nothing recorded yet.</p>;
  return (
    <ol className="divide-y divide-line rounded-xl border border-line" data-testid="audit-list">
      {entries.map((entry) => (
        <li key={entry.id} data-testid="audit-entry" data-action={entry.action} className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5 px-4 py-2.5 text-sm">
          <time dateTime={entry.at} className="font-mono text-xs text-faint tabular-nums">
            {timeFormat.format(new Date(entry.at))}
          </time>
          <span className="font-medium text-fg">{auditActionLabels[entry.action] ?? entry.action}</span>
          {showLearner && entry.learnerName && <span className="text-fg">· {entry.learnerName}</span>}
          {entry.levelId && <span className="font-mono text-xs text-muted">{entry.levelId}</span>}
          <span className="text-muted">by {entry.actorName}</span>
          {entry.detail && <span className="basis-full text-muted">{entry.detail}</span>}
        </li>
      ))}
    </ol>
  );
}

/** The cohort's audit log, newest first, growing live through `cohort:audit`. */
export function AuditLogPanel({ socket, cohortId, active }: { socket: KubeQuestSocket | null; cohortId: string; active: boolean }) {
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<ActionableError | null>(null);
  const load = useCallback(() => {
    void instructorApi.audit(cohortId).then((r) => {
      if (r.ok) {
        setEntries((current) => mergeAuditEntries(current ?? [], r.value.entries));
        setError(null);
      } else setError(r.error);
    });
  }, [cohortId]);
  useEffect(() => {
    if (active) load();
  }, [active, load]);
  useSocketEvent(socket, "cohort:audit", (appended) => {
    if (appended.cohortId === cohortId) setEntries((current) => mergeAuditEntries(current ?? [], [appended.entry]));
  });

  if (error) return <ErrorCallout error={error} onRetry={load} testId="audit-error" />;
  if (!entries) {
    return (
      <p className="flex items-center gap-2 text-sm text-muted" role="status">
        <Spinner /> Loading the audit log…
      </p>
    );
  }
  return (
    <div className="space-y-3">
      <p className="text-sm text-muted">Every instructor action on this cohort and its learners, and who joined or left. Newest first.</p>
      <AuditList entries={entries} />
    </div>
  );
}
