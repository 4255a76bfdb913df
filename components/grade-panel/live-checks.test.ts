// The check list's rules for live verdicts (issue 15 items 2 and 3): rows from the last grade
// with the live verdict beside each, rows from the level's checks before any grade, and a
// screen reader told only when a live check turned green or red.
import { describe, expect, it } from "vitest";
import type { CheckResult, LiveCheck, LiveChecks } from "@/lib/protocol/socket-events";
import { announceLiveChanges, checkRows, liveChanges } from "./live-checks";

const liveCheck = (id: string, verdict?: "pass" | "fail", extra: Partial<LiveCheck> = {}): LiveCheck => ({
  id,
  title: `Title of ${id}`,
  explanation: `why ${id}`,
  live: verdict !== undefined,
  ...(verdict ? { verdict, evidence: [`${id} saw ${verdict}`] } : {}),
  ...extra,
});
const feed = (checks: LiveCheck[], levelId = "l"): LiveChecks => ({ levelId, namespace: "kq-x-30", checks, readAt: "2026-12-01T10:00:00Z" });
const graded = (id: string, status: CheckResult["status"]): CheckResult => ({ id, title: `Title of ${id}`, explanation: "why", status, evidence: [`graded ${status}`] });

describe("checkRows", () => {
  it("lists the level's checks, not yet graded, with each live verdict, before any Check my work", () => {
    const rows = checkRows([], feed([liveCheck("a", "fail"), liveCheck("b")]));
    expect(rows.map((r) => [r.check.id, r.check.status, r.graded, r.live?.verdict])).toEqual([
      ["a", "pending", false, "fail"],
      ["b", "pending", false, undefined],
    ]);
    expect(rows[0]!.check).toEqual({ id: "a", title: "Title of a", explanation: "why a", status: "pending", evidence: [] });
  });

  it("keeps the last grade's results (and its evidence) and puts the live verdict beside each", () => {
    const rows = checkRows([graded("a", "fail"), graded("b", "skipped")], feed([liveCheck("a", "pass"), liveCheck("b", "fail")]));
    expect(rows.map((r) => [r.check.id, r.check.status, r.graded, r.live?.verdict])).toEqual([
      ["a", "fail", true, "pass"],
      ["b", "skipped", true, "fail"],
    ]);
    expect(rows[0]!.check.evidence).toEqual(["graded fail"]);
  });

  it("shows a chaos round's own checks, live verdicts only where one exists", () => {
    const rows = checkRows([graded("chaos-pod-replaced", "pass"), graded("a", "running")], feed([liveCheck("a", "pass")]));
    expect(rows.map((r) => [r.check.id, r.live?.verdict ?? null])).toEqual([
      ["chaos-pod-replaced", null],
      ["a", "pass"],
    ]);
  });

  it("is empty with neither a grade nor live verdicts, and the grade alone without live verdicts", () => {
    expect(checkRows([], null)).toEqual([]);
    expect(checkRows([graded("a", "pass")], null)).toEqual([{ check: graded("a", "pass"), graded: true, live: null }]);
  });
});

describe("liveChanges and announceLiveChanges", () => {
  it("says nothing about the first verdicts a page gets", () => {
    expect(liveChanges(null, feed([liveCheck("a", "fail")]))).toEqual([]);
  });

  it("names a check that turned green, and one that turned red, once", () => {
    const before = feed([liveCheck("a", "fail"), liveCheck("b", "pass"), liveCheck("c", "fail")]);
    const after = feed([liveCheck("a", "pass"), liveCheck("b", "fail"), liveCheck("c", "fail")]);
    const changes = liveChanges(before, after);
    expect(changes).toEqual([
      { id: "a", title: "Title of a", verdict: "pass" },
      { id: "b", title: "Title of b", verdict: "fail" },
    ]);
    expect(announceLiveChanges(changes)).toBe("Live check passes now: Title of a. Live check fails now: Title of b.");
  });

  it("says nothing when only the evidence changed (a pod restarted, a verdict stayed)", () => {
    const before = feed([liveCheck("a", "fail", { evidence: ["redis-1: Init:0/1, restarts 0"] })]);
    const after = feed([liveCheck("a", "fail", { evidence: ["redis-1: Init:0/1, restarts 1"] })]);
    expect(liveChanges(before, after)).toEqual([]);
    expect(announceLiveChanges([])).toBe("");
  });

  it("says nothing about a check that lost its verdict, or verdicts of another level", () => {
    expect(liveChanges(feed([liveCheck("a", "fail")]), feed([{ ...liveCheck("a"), live: true }]))).toEqual([]);
    expect(liveChanges(feed([liveCheck("a", "fail")], "other"), feed([liveCheck("a", "pass")]))).toEqual([]);
  });
});
