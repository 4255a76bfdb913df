/**
 * The output of a grading run: a table a person reads on stdout (one row per scenario, then
 * one row per check with its time), a JSON report a machine reads, and the failure lines that
 * name level, scenario and check.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { LevelReport } from "./play-level";

export interface GradingRunReport {
  kind: "levels-verify" | "grade-installation";
  url: string;
  startedAt: string;
  durationMs: number;
  ok: boolean;
  levels: LevelReport[];
  /** A problem with the whole run (server or cluster unreachable), said plainly. */
  error?: { message: string; action: string };
}

const seconds = (ms: number | undefined): string => (ms === undefined ? "" : `${(ms / 1000).toFixed(1)} s`);

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
}

/** The per-level, per-scenario, per-check table. */
export function formatTable(levels: LevelReport[]): string {
  const rows: string[][] = [["", "level", "scenario", "expected", "got", "check", "time"]];
  for (const level of levels) {
    rows.push([level.ok ? "✓" : "✗", `${level.number} ${level.id}`, "start", "ready", level.startMs === undefined ? "not ready" : "ready", "", seconds(level.startMs)]);
    if (level.error) rows.push(["✗", "", "(level)", "", level.error.slice(0, 100), "", ""]);
    for (const s of level.scenarios) {
      const got = s.passed === undefined ? "not graded" : s.passed ? "pass" : `fail at ${s.check ?? "?"}`;
      rows.push([s.ok ? "✓" : "✗", "", s.name, s.expected, got, "", seconds(s.totalMs)]);
      for (const step of s.steps) rows.push(["", "", `  · ${step.description.slice(0, 70)}`, "", step.via, "", seconds(step.durationMs)]);
      for (const c of s.checks) rows.push(["", "", "", "", c.status, c.id, seconds(c.durationMs)]);
    }
    if (level.award !== undefined) rows.push(["", "", "XP awarded once", "", level.award === null ? "no award announced" : `${level.award} XP`, "", ""]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => pad(r, widths));
  lines.splice(1, 0, widths.map((w) => "─".repeat(w)).join("  "));
  return lines.join("\n");
}

/** One line per problem: level, scenario, check, what was off. */
export function failureLines(levels: LevelReport[]): string[] {
  const lines: string[] = [];
  for (const level of levels) {
    if (level.error) lines.push(`level ${level.id}: ${level.error}`);
    for (const s of level.scenarios) {
      if (!s.ok) lines.push(`level ${level.id}, scenario "${s.name}"${s.check ? `, check ${s.check}` : ""}: ${s.problem ?? "failed"}`);
    }
  }
  return lines;
}

export function writeReport(file: string, report: GradingRunReport): string {
  const abs = path.resolve(file);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, JSON.stringify(report, null, 2));
  return abs;
}

/** Prints the table and the verdict; returns the exit code (0 when everything was as declared). */
export function printRun(report: GradingRunReport, reportFile: string): number {
  if (report.levels.length > 0) console.log(`\n${formatTable(report.levels)}\n`);
  const failures = failureLines(report.levels);
  if (report.error) console.error(`✗ ${report.error.message}\n  What to do: ${report.error.action}`);
  for (const line of failures) console.error(`✗ ${line}`);
  const passed = report.levels.filter((l) => l.ok).length;
  console.log(`${report.ok ? "✓" : "✗"} ${passed}/${report.levels.length} level(s) as declared in ${seconds(report.durationMs)}`);
  console.log(`report: ${reportFile}`);
  return report.ok ? 0 : 1;
}
