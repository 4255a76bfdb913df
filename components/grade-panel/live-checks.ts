/**
 * Why: the check list shows two sources side by side, and keeping them apart is the point.
 * The last "Check my work" run (the only verdict that counts) and the server's live verdicts of
 * the object-only checks (`checks:live`, shown only) become one row per check here, and a live
 * verdict that changed becomes one polite sentence for screen readers, never one per update.
 * Pure, so the rules are unit-tested.
 */
import type { CheckResult, LiveCheck, LiveChecks } from "@/lib/protocol/socket-events";

export interface CheckRowModel {
  /** The grader's result from the last (or running) "Check my work"; pending before any. */
  check: CheckResult;
  /** False while no grade has run: the row comes from the level's check list alone. */
  graded: boolean;
  /** What the server says about this check now, when it has a live view of it. */
  live: LiveCheck | null;
}

/**
 * One row per check: the grade's checks when a run exists (the chaos round lists its own), else
 * the level's main-round checks as the live feed lists them, not yet graded.
 */
export function checkRows(gradeChecks: readonly CheckResult[], live: LiveChecks | null): CheckRowModel[] {
  const liveById = new Map((live?.checks ?? []).map((c) => [c.id, c]));
  if (gradeChecks.length > 0) return gradeChecks.map((check) => ({ check, graded: true, live: liveById.get(check.id) ?? null }));
  return (live?.checks ?? []).map((c) => ({
    check: { id: c.id, title: c.title, explanation: c.explanation, status: "pending", evidence: [] },
    graded: false,
    live: c,
  }));
}

export interface LiveChange {
  id: string;
  title: string;
  verdict: "pass" | "fail";
}

/**
 * The live checks whose verdict changed from `before` to `after`. The first verdicts a page
 * gets are no change (nothing is announced on arrival), and neither is a check that lost its
 * verdict: only a check that turned green or red.
 */
export function liveChanges(before: LiveChecks | null, after: LiveChecks): LiveChange[] {
  if (!before || before.levelId !== after.levelId) return [];
  const previous = new Map(before.checks.map((c) => [c.id, c.verdict]));
  return after.checks.flatMap((c) => {
    const was = previous.get(c.id);
    return c.verdict && was && was !== c.verdict ? [{ id: c.id, title: c.title, verdict: c.verdict }] : [];
  });
}

/** What a screen reader says about those changes (empty: nothing to say). */
export function announceLiveChanges(changes: readonly LiveChange[]): string {
  return changes
    .map((c) => `Live check ${c.verdict === "pass" ? "passes" : "fails"} now: ${c.title.replace(/\.$/, "")}.`)
    .join(" ");
}
