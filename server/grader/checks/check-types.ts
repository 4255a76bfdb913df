/**
 * What a check type is made of, and what it sees of a grade. A check type declares, next to its
 * code, the parameters a level may give it (a zod schema: `npm run levels:check` and the level
 * catalog refuse what does not fit), the namespace reads it looks at and the in-cluster probe
 * requests it needs. The grade context gathers exactly what the level's checks declare, so a new
 * check type (and a new level) never changes the context.
 *
 * A check type whose verdict needs nothing but its reads declares it as `fromObjects`: such a
 * check is also re-evaluated live, from the live view's reads, while the learner works
 * (live-checks.ts), by the very same function the grader runs.
 */
import type { z } from "zod";
import type { CheckSpec, LevelManifest } from "../../../lib/levels/level-schema";
import type { NamespaceRead, Snapshot } from "../namespace-reads";
import type { ProbeRecord, ProbeRequest } from "../probe";

/** The part of the grade context a check uses. */
export interface GradeView {
  readonly namespace: string;
  readonly level: { readonly manifest: LevelManifest };
  /** The level's workload (`workload` in level.yaml). */
  readonly workload: LevelManifest["workload"];
  /** Every read the level's checks declare, gathered together once (until `refresh`). */
  snapshot(): Promise<Snapshot>;
  /** Reads the namespace again (pods change while a check waits for them); forgets the probes. */
  refresh(): Promise<Snapshot>;
  /** The records of every `sharedProbes` request of the level's checks: one run per snapshot. */
  sharedProbe(): Promise<ProbeRecord[]>;
  /** A probe run of the check's own (writes, waits), once per `key` per grade. */
  probe(key: string, requests: ProbeRequest[], timeoutMs?: number): Promise<ProbeRecord[]>;
}

export interface CheckOutcome {
  passed: boolean;
  /** What the check saw, line by line: field values, command outputs, DNS answers. */
  evidence: string[];
  /** On failure: what went wrong here, aimed at this failure (the level's hint is added after). */
  reason?: string;
}

/** A check of the level as the check runs it: the manifest's entry with its parameters parsed. */
export type CheckSpecOf<P> = Omit<CheckSpec, "params"> & { params: P };

export interface CheckRun<P = unknown> {
  ctx: GradeView;
  spec: CheckSpecOf<P>;
  /** Reports progress of a bounded wait, e.g. "2/3 pods ready, 12 s of 60 s". */
  progress(text: string): void;
}

export type CheckImplementation<P = unknown> = (run: CheckRun<P>) => Promise<CheckOutcome>;

/** What a check's `sharedProbes` may look at to say which requests it needs. */
export interface ProbePlan<P> {
  snapshot: Snapshot;
  params: P;
  ctx: GradeView;
}

/** How long a check may spend retrying reads and probes unless its type says otherwise. */
export const DEFAULT_CHECK_BUDGET_MS = 20_000;

/**
 * Budget of the checks that read the shared probe. Its exec is bounded at 20 s: room for one
 * more try after a timed-out run (a loaded probe pod answers late rather than never; a late
 * verdict beats an error).
 */
export const PROBE_CHECK_BUDGET_MS = 45_000;

/** What a verdict on objects alone may look at: its declared reads, no cluster calls, no probes, no clock. */
export interface ObjectsView<P> {
  snapshot: Snapshot;
  params: P;
  workload: LevelManifest["workload"];
}

/**
 * A verdict from the namespace's objects as they are now: pure, synchronous and cheap, so it
 * can run on every change of the namespace. It must not wait for anything (a check that waits,
 * like pods-ready, gives the verdict of the moment here and waits only in its grader run).
 */
export type ObjectVerdict<P> = (view: ObjectsView<P>) => CheckOutcome;

/** One check type of the library. */
export interface CheckDefinition<P> {
  /** What level.yaml writes as the check's `type`. Stable once a level uses it. */
  readonly type: string;
  /** What level.yaml may write under `params`; its output is what `run` receives. */
  readonly params: z.ZodType<P>;
  /** The namespace reads `run` (and `sharedProbes`) look at; reading anything else throws. */
  readonly reads: readonly NamespaceRead<unknown>[];
  /**
   * In-cluster requests whose records `run` takes from `ctx.sharedProbe()`. The grade runs the
   * requests of all the level's checks together in one probe run, started early.
   */
  sharedProbes?(plan: ProbePlan<P>): ProbeRequest[];
  /** How long a run may spend retrying (its own waits plus slack); DEFAULT_CHECK_BUDGET_MS when absent. */
  budgetMs?(params: P): number;
  run(run: CheckRun<P>): Promise<CheckOutcome>;
  /**
   * Present when the check's verdict needs only its `reads` (no probe): then it is also
   * evaluated live while the learner works. A live verdict is only shown; it is never a grade,
   * records nothing and awards nothing.
   */
  fromObjects?: ObjectVerdict<P>;
}

/** A check of the level resolved against the library: the definition and its parsed parameters. */
export interface PlannedCheck {
  readonly spec: CheckSpecOf<unknown>;
  readonly definition: CheckDefinition<unknown>;
}

/**
 * A check type whose verdict needs its reads alone: its grader run is that verdict over the
 * grade's snapshot, and it is live too.
 */
export function defineObjectCheck<P>(definition: Omit<CheckDefinition<P>, "run" | "fromObjects" | "sharedProbes"> & { fromObjects: ObjectVerdict<P> }): CheckDefinition<P> {
  const { fromObjects } = definition;
  return {
    ...definition,
    run: async ({ ctx, spec }) => fromObjects({ snapshot: await ctx.snapshot(), params: spec.params, workload: ctx.workload }),
  };
}

/** Names a definition's parameter type once, where it is written. */
export function defineCheck<P>(definition: CheckDefinition<P>): CheckDefinition<P> {
  return definition;
}
