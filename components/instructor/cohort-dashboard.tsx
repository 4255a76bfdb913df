"use client";

import Link from "next/link";
import { useState } from "react";
import { useConnection, useSocket } from "@/lib/client/use-socket";
import { ConnectionIndicator } from "@/components/level-page/connection-indicator";
import { ErrorCallout } from "@/components/ui/error-callout";
import { Spinner } from "@/components/ui/spinner";
import { TabList, tabPanelProps, type TabItem } from "@/components/ui/tabs";
import { AnalyticsPanel } from "./analytics-panel";
import { AuditLogPanel } from "./audit-log";
import { GradeCohortPanel } from "./grade-cohort-panel";
import { RosterTable } from "./roster-table";
import { useCohortWatch } from "./use-cohort-watch";

type DashboardTab = "roster" | "grade" | "analytics" | "audit";
const tabs: readonly TabItem<DashboardTab>[] = [
  { id: "roster", label: "Roster", testId: "tab-roster" },
  { id: "grade", label: "Grade cohort", testId: "tab-grade" },
  { id: "analytics", label: "Analytics", testId: "tab-analytics" },
  { id: "audit", label: "Audit log", testId: "tab-audit" },
];
const PREFIX = "cohort-dashboard";

/**
 * One cohort's dashboard: the live roster, grading the whole cohort, analytics and the audit
 * log, as keyboard-friendly tabs. The panels stay mounted while hidden so live events (grading
 * progress, audit entries) keep arriving whichever tab is open.
 */
export function CohortDashboard({ cohortId }: { cohortId: string }) {
  const socket = useSocket();
  const connection = useConnection(socket);
  const { roster, error, clockOffset, rewatch } = useCohortWatch(socket, cohortId);
  const [tab, setTab] = useState<DashboardTab>("roster");

  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-muted">
        <Link href="/instructor" className="text-accent underline underline-offset-2 hover:text-white">
          Your cohorts
        </Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">{roster?.cohort.name ?? "Cohort"}</span>
      </nav>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-white" data-testid="cohort-title">
            {roster?.cohort.name ?? "Cohort"}
          </h1>
          {roster && (
            <p className="mt-1 text-sm text-muted">
              {roster.rows.length} {roster.rows.length === 1 ? "learner" : "learners"} · invite code{" "}
              <span className="font-mono text-fg" data-testid="cohort-invite-code">
                {roster.cohort.inviteCode}
              </span>{" "}
              ·{" "}
              <Link href="/instructor" className="text-accent underline underline-offset-2 hover:text-white">
                share or change it
              </Link>
            </p>
          )}
        </div>
        <ConnectionIndicator connection={connection} onRetry={() => socket?.connect()} />
      </div>

      {error ? (
        <ErrorCallout error={error} onRetry={rewatch} testId="dashboard-error" />
      ) : !roster ? (
        <p className="flex items-center gap-2 text-sm text-muted" role="status">
          <Spinner /> Loading the roster…
        </p>
      ) : (
        <div>
          <TabList idPrefix={PREFIX} label="Cohort dashboard" tabs={tabs} selected={tab} onSelect={setTab} className="mb-5 gap-2 border-b border-line" />
          <div {...tabPanelProps(PREFIX, "roster", tab === "roster")} data-testid="panel-roster">
            <RosterTable roster={roster} clockOffset={clockOffset} />
          </div>
          <div {...tabPanelProps(PREFIX, "grade", tab === "grade")} data-testid="panel-grade">
            <GradeCohortPanel socket={socket} roster={roster} />
          </div>
          <div {...tabPanelProps(PREFIX, "analytics", tab === "analytics")} data-testid="panel-analytics">
            <AnalyticsPanel cohortId={cohortId} active={tab === "analytics"} />
          </div>
          <div {...tabPanelProps(PREFIX, "audit", tab === "audit")} data-testid="panel-audit">
            <AuditLogPanel socket={socket} cohortId={cohortId} active={tab === "audit"} />
          </div>
        </div>
      )}
    </div>
  );
}
