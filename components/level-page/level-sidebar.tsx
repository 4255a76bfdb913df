"use client";

import type { ReactNode, RefObject } from "react";
import type { LevelDetail } from "@/lib/protocol/socket-events";
import { Markdown } from "@/components/ui/markdown";
import { LockIcon } from "@/components/ui/icons";
import { TabList, tabPanelProps } from "@/components/ui/tabs";
import { DebriefPanel } from "./debrief-panel";
import { HintsPanel } from "./hints-panel";
import { ObjectivesPanel } from "./objectives-panel";
import type { LevelHelp } from "./use-level-help";

export type GuideTab = "briefing" | "objectives" | "hints" | "debrief";

const ID = "guide";

/** The left column: what to do (briefing, objectives), help (hints), and the debrief; the grader below. */
export function LevelSidebar({
  level,
  tab,
  onTab,
  help,
  passed,
  chaosPassed,
  chaosBonusXp,
  debrief,
  onOpenDebrief,
  panelRef,
  grader,
}: {
  level: LevelDetail;
  tab: GuideTab;
  onTab: (tab: GuideTab) => void;
  help: LevelHelp;
  passed: boolean;
  chaosPassed: boolean;
  chaosBonusXp: number;
  debrief: string | null;
  /** Opens the debrief in its wide reading view. */
  onOpenDebrief: () => void;
  /** The visible panel, for the Alt+1 shortcut to focus. */
  panelRef: RefObject<HTMLDivElement | null>;
  grader: ReactNode;
}) {
  const hintsOpened = help.state?.openedHints.length ?? 0;
  const tabs = [
    { id: "briefing" as const, label: "Briefing" },
    { id: "objectives" as const, label: "Objectives" },
    {
      id: "hints" as const,
      label: (
        <>
          Hints
          {level.hints.length > 0 && (
            <span className="rounded-full bg-overlay px-1.5 text-[10px] font-semibold text-muted tabular-nums">
              {hintsOpened}/{level.hints.length}
            </span>
          )}
        </>
      ),
      ariaLabel: `Hints, ${hintsOpened} of ${level.hints.length} opened`,
    },
    {
      id: "debrief" as const,
      label: (
        <>
          Debrief
          {debrief === null ? (
            <LockIcon className="h-3 w-3 text-faint" />
          ) : (
            <span aria-hidden="true" className="h-1.5 w-1.5 rounded-full bg-ok" />
          )}
        </>
      ),
      ariaLabel: debrief === null ? "Debrief (locked until your fix passes)" : "Debrief",
    },
  ];

  const panel = (id: GuideTab, children: ReactNode) => (
    <div
      {...tabPanelProps(ID, id, tab === id)}
      ref={tab === id ? panelRef : undefined}
      className="min-h-0 flex-1 overflow-y-auto px-5 py-4"
    >
      {children}
    </div>
  );

  return (
    <aside aria-label="Level guide" className="flex h-full min-h-0 flex-col bg-canvas">
      <TabList
        idPrefix={ID}
        label="Level guide"
        tabs={tabs}
        selected={tab}
        onSelect={onTab}
        className="shrink-0 overflow-x-auto border-b border-line bg-surface px-2"
      />
      {panel("briefing", <Markdown>{level.briefing}</Markdown>)}
      {panel(
        "objectives",
        <ObjectivesPanel
          objectives={level.objectives}
          chaosObjective={level.chaosObjective}
          chaosBonusXp={chaosBonusXp}
          mainPassed={passed}
          chaosPassed={chaosPassed}
        />,
      )}
      {panel("hints", <HintsPanel level={level} help={help} />)}
      {panel("debrief", <DebriefPanel debrief={debrief} onOpenWide={onOpenDebrief} />)}
      <div className="max-h-[50%] shrink-0 overflow-y-auto border-t border-line bg-surface/50 px-4 py-4">{grader}</div>
    </aside>
  );
}
