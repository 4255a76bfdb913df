/**
 * What every check implementation receives and returns, and how a check type says that its
 * verdict needs nothing but the namespace's Kubernetes objects (`fromObjects`): such a check is
 * also re-evaluated live, from the live view's reads, while the learner works (live-checks.ts).
 */
import type { CheckSpec } from "../../../lib/levels/level-schema";
import type { ClusterSnapshot, GradeContext, Workload } from "../grade-context";

export interface CheckOutcome {
  passed: boolean;
  /** What the check saw, line by line: field values, command outputs, DNS answers. */
  evidence: string[];
  /** On failure: what went wrong here, aimed at this failure (the level's hint is added after). */
  reason?: string;
}

export interface CheckRun<S extends CheckSpec = CheckSpec> {
  ctx: GradeContext;
  spec: S;
  /** Reports progress of a bounded wait, e.g. "2/3 pods ready, 12 s of 60 s". */
  progress(text: string): void;
}

export type CheckImplementation<S extends CheckSpec = CheckSpec> = (run: CheckRun<S>) => Promise<CheckOutcome>;

/** What a verdict on objects alone may look at: no cluster calls, no probes, no clock. */
export interface ObjectsView<S extends CheckSpec = CheckSpec> {
  snapshot: ClusterSnapshot;
  spec: S;
  workload: Workload;
}

/**
 * A verdict from the namespace's objects as they are now: pure, synchronous and cheap, so it
 * can run on every change of the namespace. It must not wait for anything (a check that waits,
 * like pods-ready, gives the verdict of the moment here and waits only in its grader run).
 */
export type ObjectVerdict<S extends CheckSpec = CheckSpec> = (view: ObjectsView<S>) => CheckOutcome;

/** A check type as the grader knows it. */
export interface CheckDefinition<S extends CheckSpec = CheckSpec> {
  /** The grader's run ("Check my work"): may read the cluster again, wait, and probe from inside. */
  run: CheckImplementation<S>;
  /**
   * Present when the check's verdict needs only Kubernetes objects (no DNS or Redis probe):
   * then it is also evaluated live while the learner works. A live verdict is only shown; it is
   * never a grade, records nothing and awards nothing.
   */
  fromObjects?: ObjectVerdict<S>;
}

/** The grader's run of a check that reads only objects: the grade's snapshot, then the verdict. */
export function readsObjects<S extends CheckSpec>(verdict: ObjectVerdict<S>): CheckImplementation<S> {
  return async ({ ctx, spec }) => verdict({ snapshot: await ctx.snapshot(), spec, workload: ctx.workload });
}
