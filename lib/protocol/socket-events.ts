/**
 * The one typed protocol between the browser and the server: every socket.io event, its
 * payload, and (for events the browser sends) the zod schema the server validates it with.
 *
 * Browser code imports the types; the server imports the schemas too. Nothing here may import
 * Node-only modules.
 */
import { z } from "zod";
import type { LevelPanel } from "../levels/level-schema";

// ---------------------------------------------------------------------------------------------
// Results: every request the browser makes is answered through a socket.io acknowledgement
// carrying either a value or an error a learner can act on.

export interface ActionableError {
  /** Stable machine-readable code, e.g. "yaml-too-large", "cluster-unreachable". */
  code: string;
  /** What went wrong, in plain words. */
  message: string;
  /** What the learner can do about it. */
  action?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ActionableError };
export type Ack<T> = (result: Result<T>) => void;

// ---------------------------------------------------------------------------------------------
// Limits shared by the browser (to warn early) and the server (to enforce).

export const LIMITS = {
  /** Largest YAML document the editor may send. Kubernetes objects of a level are a few KiB. */
  yamlBytes: 64 * 1024,
  /** Deepest nesting accepted in that YAML. Real manifests stay under 20. */
  yamlDepth: 40,
  /** Most objects one YAML document may hold. */
  yamlObjects: 50,
  /** Largest chunk of terminal input per event (a paste is split by the browser). */
  terminalInputBytes: 16 * 1024,
  /** Terminal output the server may send ahead of the browser's acknowledgements. */
  terminalUnackedBytes: 256 * 1024,
} as const;

// ---------------------------------------------------------------------------------------------
// Levels

export interface LevelSummary {
  /** Stable id, e.g. "headless-statefulset-dns". */
  id: string;
  /** Number shown to learners, e.g. 30. */
  number: number;
  title: string;
  world: { number: number; title: string };
  xp: number;
  difficulty: "beginner" | "intermediate" | "advanced";
  concepts: string[];
}

export interface EditableFile {
  /** Name shown in the editor's tab, e.g. "service.yaml". */
  name: string;
  content: string;
}

/** A hint as the level page first sees it: its body opens on the server (`hint:open`). */
export interface LevelHint {
  title: string;
  /** XP the learner gives up by opening this hint, shown before it is opened. */
  xpCost: number;
}

export interface LevelDetail extends LevelSummary {
  /** Markdown. */
  briefing: string;
  /** What the main round checks, one sentence each (ticked when it passes). */
  objectives: string[];
  /** What the chaos round proves (ticked only when that round passes); null without a chaos round. */
  chaosObjective: string | null;
  hints: LevelHint[];
  /** XP revealing the solution gives up (the whole level by convention). */
  solutionXpCost: number;
  /** Extra XP for passing the chaos round after the main round. */
  chaosBonusXp: number;
  editableFiles: EditableFile[];
  /** Extra live-view panels (level.yaml `panels`): "node-rules" shows "On the nodes". */
  panels: LevelPanel[];
}

// ---------------------------------------------------------------------------------------------
// Help and XP: hints and the solution open on the server, which records their cost

/** The learner's help and XP state on one level, as the server records it. */
export interface LevelHelpState {
  levelId: string;
  /** Markdown bodies of the hints opened so far, in order (hint 1 first). */
  openedHints: string[];
  /** XP given up by those hints. */
  hintXpCost: number;
  solutionRevealed: boolean;
  /** Markdown of the solution, once revealed. */
  solution: string | null;
  /** XP the main round awards if it passes now (0 once awarded or the solution is revealed). */
  worth: number;
  /** XP awarded on this level so far (main and chaos), null before the first award. */
  xpAwarded: number | null;
  passed: boolean;
  chaosPassed: boolean;
  /** Set for a signed-in learner: their XP over all levels. */
  totalXp: number;
}

export interface XpAwarded {
  levelId: string;
  kind: GradeRound;
  xp: number;
  totalXp: number;
  /** Achievements this award earned. */
  achievements: { id: string; title: string; earnedAt: string }[];
}

/** What the learner's environment is doing. */
export type EnvironmentPhase = "absent" | "provisioning" | "ready" | "resetting" | "failed";

export interface EnvironmentStatus {
  levelId: string;
  phase: EnvironmentPhase;
  /** The learner's namespace; made by the server, never from user text. */
  namespace: string | null;
  passed: boolean;
  message?: string;
}

export interface ProgressEvent {
  levelId: string;
  /** Short name of the step, e.g. "Creating namespace". */
  step: string;
  /** 1-based index of the step, and how many there are. */
  index: number;
  total: number;
  elapsedMs: number;
  done: boolean;
}

// ---------------------------------------------------------------------------------------------
// YAML editor

export interface YamlIssue {
  /** 1-based line in the editor, when known. */
  line?: number;
  message: string;
  severity: "error" | "warning";
  /**
   * Set when the cluster refuses the change only because a field is immutable: what Recreate
   * would delete and create again, so the editor can offer it at once (before any Apply).
   */
  recreate?: { resource: ResourceRef; field: string };
}

export interface ResourceRef {
  kind: string;
  name: string;
}

export interface ApplyOutcome {
  applied: (ResourceRef & { action: "created" | "configured" | "unchanged" | "deleted" })[];
}

/** Returned as the error of an apply when an immutable field would change. */
export interface ImmutableFieldError extends ActionableError {
  code: "immutable-field";
  resource: ResourceRef;
  field: string;
}

// ---------------------------------------------------------------------------------------------
// Grading

/**
 * "skipped": not run because an earlier check failed (its result says which). "error":
 * KubeQuest could not gather the evidence (an API error, a timeout, the grader's probe pod
 * gone): not a verdict on the learner's work.
 */
export type CheckStatus = "pending" | "running" | "pass" | "fail" | "skipped" | "error";

export interface CheckResult {
  /** Stable check id, e.g. "per-pod-dns". */
  id: string;
  title: string;
  /** What the check verifies and why it matters, in one or two sentences. */
  explanation: string;
  status: CheckStatus;
  /** What the grader actually saw: command outputs, field values, DNS answers. */
  evidence: string[];
  /** On failure: what this check found wrong, in its own words (the start of `hint`). */
  reason?: string;
  /** On failure: what to look at next. */
  hint?: string;
  /** Progress of a bounded wait, e.g. "2/3 pods ready, 12 s of 60 s". */
  progress?: string;
  durationMs?: number;
}

export type GradeRound = "main" | "chaos";

/**
 * A grading run waits in line for the grader (the instance grades a bounded number at once):
 * `place` 1 is next. Sent to the namespace each time the line moves, until `grade:started`.
 */
export interface GradeQueued {
  levelId: string;
  round: GradeRound;
  place: number;
}

export interface GradeStarted {
  runId: string;
  levelId: string;
  round: GradeRound;
  checks: Pick<CheckResult, "id" | "title" | "explanation">[];
}

/**
 * A run's verdict: every check passed, a check failed (the learner's cluster state), or a
 * check could not run because of us ("error": no attempt recorded, nothing awarded).
 */
export type GradeOutcome = "pass" | "fail" | "error";

export interface GradeFinished {
  runId: string;
  levelId: string;
  round: GradeRound;
  /** True only when `outcome` is "pass". */
  passed: boolean;
  outcome: GradeOutcome;
  /**
   * Set on an "error" run whose environment was reset or removed while it was checked: grading
   * again would find the same empty namespace, so the learner is asked to start the level again.
   */
  environmentGone?: true;
  results: CheckResult[];
  durationMs: number;
  /** Markdown debrief, sent once the main round passes. */
  debrief?: string;
}

// ---------------------------------------------------------------------------------------------
// Live checks: the grader's object-only checks, re-evaluated on the server as the namespace
// changes. Shown only: a live verdict is never a grade, is recorded nowhere and awards nothing
// (passing is decided by "Check my work" alone). The browser only receives them.

export interface LiveCheck {
  id: string;
  title: string;
  explanation: string;
  /**
   * True: re-evaluated from the namespace's objects on every change. False: only "Check my
   * work" runs it (it asks DNS or Redis from inside the cluster).
   */
  live: boolean;
  /** The verdict on the namespace as it is now; absent when not live (or it could not be evaluated). */
  verdict?: "pass" | "fail";
  /** What it saw now, as the grader would show it. */
  evidence?: string[];
  /** On "fail": what is wrong now, in the check's own words. */
  reason?: string;
}

export interface LiveChecks {
  levelId: string;
  namespace: string;
  /** The level's main-round checks, in the grader's order. */
  checks: LiveCheck[];
  /** When the objects behind these verdicts were read. */
  readAt: string;
}

// ---------------------------------------------------------------------------------------------
// Live view: a picture of the learner's namespace

export interface LiveService {
  name: string;
  type: string;
  /** "None" for a headless Service. */
  clusterIP: string;
  selector: Record<string, string>;
}

export interface LiveEndpoint {
  ip: string;
  hostname?: string;
  podName?: string;
  ready: boolean;
}

export interface LivePod {
  name: string;
  /** e.g. Running, Pending. */
  phase: string;
  /** kubectl-style status, e.g. "Init:0/1", "Running", "CrashLoopBackOff". */
  status: string;
  ready: boolean;
  ip?: string;
  /** The node it runs on (where the "On the nodes" panel's rules for it live). */
  nodeName?: string;
  restarts: number;
  /** Set when the pod belongs to the level's workload (not the toolbox). */
  ordinal?: number;
}

export interface LiveDnsAnswer {
  name: string;
  addresses: string[];
  /** e.g. "NXDOMAIN" when the name does not resolve. */
  error?: string;
  /**
   * KubeQuest could not ask DNS (its probe did not answer): `error` says so, and the page shows it
   * as ours, not as the learner's DNS failing.
   */
  unasked?: boolean;
}

export interface LiveViewSnapshot {
  levelId: string;
  namespace: string;
  services: LiveService[];
  statefulSets: { name: string; serviceName: string; replicas: number; readyReplicas: number }[];
  endpointSlices: { name: string; serviceName: string; endpoints: LiveEndpoint[] }[];
  pods: LivePod[];
  dns: LiveDnsAnswer[];
  /**
   * The cluster's nodes, by name, when the server may list them: with more than one, the live
   * view labels each pod with its node. Absent on a cluster that does not let it list nodes.
   */
  nodes?: string[];
  updatedAt: string;
}

// ---------------------------------------------------------------------------------------------
// Live view, "On the nodes" (levels with `panels: [node-rules]`): the NAT rules kube-proxy
// programmed on each node for the learner's own Services, read by KubeQuest's collector in
// kubequest-system. Only the namespace of the learner's session is ever sent; the browser asks
// for nothing (the server sends them while the live view is open).

/** One rule as iptables-save prints it, and the chain it belongs to. */
export interface NodeRuleLine {
  /** KUBE-SERVICES, KUBE-SVC-…, KUBE-SEP-… */
  chain: string;
  /** What it does, in words ("sends 1 in 3 connections to KUBE-SEP-… (10.244.0.31:6379)"). */
  summary: string;
  text: string;
}

export interface NodeRulesOfNode {
  node: string;
  /** The rules of each of the namespace's Services that has any on this node, by Service name. */
  services: { service: string; rules: NodeRuleLine[] }[];
  /** When this node's table was read. */
  readAt: string;
}

export interface NodeRulesSnapshot {
  levelId: string;
  namespace: string;
  /** The namespace's Services as the live view last read them ("None": headless). */
  services: Pick<LiveService, "name" | "type" | "clusterIP">[];
  /** Every node, by name; empty when `error` is set. */
  nodes: NodeRulesOfNode[];
  /** Why KubeQuest could not read the node rules (ours, never the learner's), or null. */
  error: string | null;
  /** When this snapshot was sent (on a change, and every 10 s while nothing changes). */
  updatedAt: string;
}

// ---------------------------------------------------------------------------------------------
// Events

/** Why terminal input or a resize was dropped, and what to do. */
export interface TerminalNotice {
  code: "input-dropped" | "resize-dropped";
  message: string;
  action: string;
}

/** Answer to `terminal:open`: whether this terminal is recorded for the learner's instructors. */
export interface TerminalOpened {
  attached: true;
  /** null: not recorded (the learner is in no cohort). */
  recording: { retentionDays: number; maxBytes: number } | null;
}

// ---------------------------------------------------------------------------------------------
// Schemas of what the browser sends (the server parses every payload with these)

const levelId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, "a level id is lowercase letters, digits and dashes");

export const levelPayloadSchema = z.object({ levelId }).strict();
export type LevelPayload = z.infer<typeof levelPayloadSchema>;

export const yamlPayloadSchema = z
  .object({
    levelId,
    /** Length is in UTF-16 units; the server checks bytes too. */
    yaml: z.string().max(LIMITS.yamlBytes, `YAML is limited to ${LIMITS.yamlBytes / 1024} KiB`),
  })
  .strict();
export type YamlPayload = z.infer<typeof yamlPayloadSchema>;

export const recreatePayloadSchema = yamlPayloadSchema.extend({ confirmed: z.literal(true) }).strict();
export type RecreatePayload = z.infer<typeof recreatePayloadSchema>;

const terminalSize = {
  cols: z.number().int().min(10).max(500),
  rows: z.number().int().min(2).max(200),
};
export const terminalOpenPayloadSchema = z.object({ levelId, ...terminalSize }).strict();
export type TerminalOpenPayload = z.infer<typeof terminalOpenPayloadSchema>;

export const terminalInputPayloadSchema = z
  .object({ data: z.string().min(1).max(LIMITS.terminalInputBytes) })
  .strict();
export type TerminalInputPayload = z.infer<typeof terminalInputPayloadSchema>;

export const terminalResizePayloadSchema = z.object(terminalSize).strict();
export type TerminalResizePayload = z.infer<typeof terminalResizePayloadSchema>;

/** Cumulative bytes the browser has written to its screen since the terminal opened. */
export const terminalAckPayloadSchema = z.object({ bytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }).strict();
export type TerminalAckPayload = z.infer<typeof terminalAckPayloadSchema>;

export const gradePayloadSchema = z
  .object({ levelId, round: z.enum(["main", "chaos"]).default("main") })
  .strict();
export type GradePayload = z.input<typeof gradePayloadSchema>;

/** Opens hint `index` (0-based; hints open in order). Its cost is recorded as shown. */
export const hintOpenPayloadSchema = z.object({ levelId, index: z.number().int().min(0).max(50) }).strict();
export type HintOpenPayload = z.infer<typeof hintOpenPayloadSchema>;

/** Reveals the solution; `confirmed` says the learner saw that the level will be worth nothing. */
export const solutionRevealPayloadSchema = z.object({ levelId, confirmed: z.literal(true) }).strict();
export type SolutionRevealPayload = z.infer<typeof solutionRevealPayloadSchema>;
