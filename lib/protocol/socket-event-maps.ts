/**
 * The socket.io event maps: every event each side sends, with its payload and answer. Apart
 * from the payload types so that the learner's protocol (socket-events.ts) and the instructor's
 * (instructor-api.ts) each stand alone and this file joins them (no import circle).
 *
 * Browser and server. Nothing here may import Node-only modules.
 */
import type {
  AuditAppended,
  CohortGradeProgress,
  CohortWatchPayload,
  LearnerWatchPayload,
  LearnerWatchState,
  RosterRowChanged,
  RosterView,
} from "./instructor-api";
import type {
  Ack,
  ApplyOutcome,
  CheckResult,
  EnvironmentStatus,
  GradeFinished,
  GradePayload,
  GradeQueued,
  GradeStarted,
  HintOpenPayload,
  LevelHelpState,
  LevelPayload,
  LiveChecks,
  LiveViewSnapshot,
  NodeRulesSnapshot,
  ProgressEvent,
  RecreatePayload,
  SolutionRevealPayload,
  TerminalAckPayload,
  TerminalInputPayload,
  TerminalNotice,
  TerminalOpenPayload,
  TerminalOpened,
  TerminalResizePayload,
  XpAwarded,
  YamlIssue,
  YamlPayload,
} from "./socket-events";

export interface ServerToClientEvents {
  "environment:status": (status: EnvironmentStatus) => void;
  "environment:progress": (progress: ProgressEvent) => void;
  "terminal:output": (chunk: { data: string; bytes: number }) => void;
  "terminal:exit": (info: { reason: string }) => void;
  /** Something the learner sent to the terminal was dropped (too much input or resizing too fast). */
  "terminal:notice": (notice: TerminalNotice) => void;
  "liveview:snapshot": (snapshot: LiveViewSnapshot) => void;
  /** "On the nodes": kube-proxy's rules for the namespace's Services while the live view is open, when they change (and every 10 s). */
  "noderules:snapshot": (snapshot: NodeRulesSnapshot) => void;
  /** The run waits in line for the grader: its place, each time the line moves. */
  "grade:queued": (queued: GradeQueued) => void;
  "grade:started": (started: GradeStarted) => void;
  "grade:check": (update: { runId: string; result: CheckResult }) => void;
  "grade:finished": (finished: GradeFinished) => void;
  /** The object-only checks' verdicts now, sent when one changes: shown, never a grade. */
  "checks:live": (checks: LiveChecks) => void;
  /** To every tab of the learner, after a grade made an award. */
  "xp:awarded": (award: XpAwarded) => void;
  /** To everyone: someone scored; leaderboards refetch. */
  "leaderboard:changed": (info: { at: string }) => void;
  /** To the learner's other tabs, after a hint or the solution opened in one of them. */
  "help:changed": (state: LevelHelpState) => void;
  /** Instructor dashboard: to a cohort's watchers, when a member's progress changed. */
  "cohort:roster-row": (changed: RosterRowChanged) => void;
  /** Instructor dashboard: one learner's verdict while the cohort is graded. */
  "cohort:grade-progress": (progress: CohortGradeProgress) => void;
  /** Instructor dashboard: an action was written to the cohort's audit log. */
  "cohort:audit": (appended: AuditAppended) => void;
}

export interface ClientToServerEvents {
  "level:open": (payload: LevelPayload, ack: Ack<EnvironmentStatus>) => void;
  "level:start": (payload: LevelPayload, ack: Ack<EnvironmentStatus>) => void;
  "level:reset": (payload: LevelPayload, ack: Ack<EnvironmentStatus>) => void;
  /** Deletes the learner's environment of this level (its namespace); answers with phase "absent". */
  "level:abandon": (payload: LevelPayload, ack: Ack<EnvironmentStatus>) => void;
  "yaml:validate": (payload: YamlPayload, ack: Ack<{ issues: YamlIssue[] }>) => void;
  "yaml:apply": (payload: YamlPayload, ack: Ack<ApplyOutcome>) => void;
  "yaml:recreate": (payload: RecreatePayload, ack: Ack<ApplyOutcome>) => void;
  "terminal:open": (payload: TerminalOpenPayload, ack: Ack<TerminalOpened>) => void;
  "terminal:input": (payload: TerminalInputPayload) => void;
  "terminal:resize": (payload: TerminalResizePayload) => void;
  "terminal:ack": (payload: TerminalAckPayload) => void;
  "grade:run": (payload: GradePayload, ack: Ack<GradeFinished>) => void;
  "level:help": (payload: LevelPayload, ack: Ack<LevelHelpState>) => void;
  "hint:open": (payload: HintOpenPayload, ack: Ack<LevelHelpState>) => void;
  "solution:reveal": (payload: SolutionRevealPayload, ack: Ack<LevelHelpState>) => void;
  /** Instructor: receive `cohort:roster-row`, `cohort:grade-progress` and `cohort:audit` of a cohort. */
  "cohort:watch": (payload: CohortWatchPayload, ack: Ack<RosterView>) => void;
  "cohort:unwatch": (payload: CohortWatchPayload, ack: Ack<{ watching: false }>) => void;
  /**
   * Instructor: watch one member's environment of a level: its live view (`liveview:snapshot`),
   * status and grading events, exactly as the learner's own tabs receive them.
   */
  "learner:watch": (payload: LearnerWatchPayload, ack: Ack<LearnerWatchState>) => void;
  "learner:unwatch": (payload: LearnerWatchPayload, ack: Ack<{ watching: false }>) => void;
}
