/**
 * The table `npm run cohort:grade` prints: one line per learner (name, level, verdict, first
 * failing check or why they could not be graded), columns padded to their widest cell.
 */
import type { CohortGradeResult } from "../../lib/protocol/instructor-api";
import { summarizeCohortGrade } from "./cohort-grade-summary";

export function cohortGradeTable(result: Pick<CohortGradeResult, "rows">): string {
  const header = ["NAME", "LEVEL", "VERDICT", "FAILED CHECK"];
  const lines = result.rows.map((r) => [r.name, r.levelId ?? "-", r.verdict, r.failedCheck ?? (r.message ? `(${r.message})` : "-")]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [format(header), ...lines.map(format), "", summarizeCohortGrade(result.rows)].join("\n") + "\n";
}
