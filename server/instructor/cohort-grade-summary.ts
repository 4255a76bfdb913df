/** The one-line outcome of grading a cohort, for the audit log and the CLI's last line. */
import type { CohortGradeRow, CohortGradeVerdict } from "../../lib/protocol/instructor-api";

const LABELS: Record<CohortGradeVerdict, string> = {
  pass: "passed",
  fail: "failed",
  "no-environment": "without an environment",
  error: "could not be graded",
};

export function summarizeCohortGrade(rows: readonly Pick<CohortGradeRow, "verdict">[]): string {
  if (rows.length === 0) return "no learners to grade";
  const counts = new Map<CohortGradeVerdict, number>();
  for (const r of rows) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
  const parts = (Object.keys(LABELS) as CohortGradeVerdict[]).filter((v) => counts.has(v)).map((v) => `${counts.get(v)} ${LABELS[v]}`);
  return `${rows.length} graded: ${parts.join(", ")}`;
}
