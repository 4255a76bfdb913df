/** What every check implementation receives and returns. */
import type { CheckSpec } from "../../../lib/levels/level-schema";
import type { GradeContext } from "../grade-context";

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
