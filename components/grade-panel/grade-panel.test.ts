// The grade panel's verdicts as rendered HTML: an error of ours must look and read unlike a
// failed fix (amber, its own words, no "failed" count), while a fail stays a fail.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { CheckResult, GradeFinished, LiveChecks } from "@/lib/protocol/socket-events";
import { GradePanel } from "./grade-panel";
import { gradeReducer, initialGradeState } from "./grade-state";

const check = (id: string, status: CheckResult["status"], extra: Partial<CheckResult> = {}): CheckResult => ({ id, title: id, explanation: "why", status, evidence: [], ...extra });

function render(finished: GradeFinished, extra: Partial<Parameters<typeof GradePanel>[0]> = {}): string {
  const state = gradeReducer(gradeReducer(initialGradeState, { type: "request", round: "main" }), { type: "finished", finished });
  return renderToStaticMarkup(
    createElement(GradePanel, {
      state,
      onRun: () => undefined,
      canRun: true,
      blockedReason: null,
      modKey: "Ctrl",
      onReadDebrief: () => undefined,
      nextHelp: null,
      onShowHints: () => undefined,
      chaosBonusXp: 100,
      ...extra,
    }),
  );
}

const base = { runId: "r", levelId: "l", round: "main" as const, durationMs: 900 };

describe("GradePanel verdicts", () => {
  it("shows a run KubeQuest could not check in amber, saying the fix is not at fault and nothing was recorded", () => {
    const html = render({
      ...base,
      passed: false,
      outcome: "error",
      results: [
        check("service-headless", "pass"),
        check("per-pod-dns", "error", {
          evidence: ["KubeQuest could not finish this check: the grader's probe did not finish (exit code none)"],
          hint: "KubeQuest could not check this — nothing is wrong with your fix; try again.",
        }),
        check("replication-data", "skipped"),
      ],
    });
    expect(html).toMatch(/data-testid="grade-summary"[^>]*data-outcome="error"/);
    expect(html).toMatch(/data-outcome="error"[^>]*class="[^"]*border-warn/);
    expect(html).toContain("KubeQuest could not check this — nothing is wrong with your fix; try again.");
    expect(html).toContain("This run is not counted: no attempt was recorded");
    expect(html).toMatch(/data-testid="grade-check-per-pod-dns" data-status="error"/);
    expect(html).toContain('data-testid="grade-check-error-hint"');
    expect(html).toContain(": Could not be checked");
    expect(html).not.toMatch(/checks? failed/);
    expect(html).not.toContain("bg-bad-soft");
  });

  it("keeps a failed fix red with its failed count", () => {
    const html = render({ ...base, passed: false, outcome: "fail", results: [check("service-headless", "fail", { hint: "Look at clusterIP" }), check("per-pod-dns", "skipped")] });
    expect(html).toMatch(/data-outcome="fail"[^>]*class="[^"]*border-bad/);
    expect(html).toContain("1 of 2 checks failed, 1 skipped.");
    expect(html).not.toContain("grade-check-error-hint");
  });

  it("shows code in a check's explanation and hint as code, never as literal backticks (issue 16, item 3)", () => {
    const html = render({
      ...base,
      passed: false,
      outcome: "fail",
      results: [check("service-headless", "fail", { explanation: "The Service in `serviceName` must be headless.", hint: "Service redis has a virtual IP.\n\nCompare `kubectl get service redis` with the pods." })],
    });
    expect(html).toContain("<code");
    expect(html).toContain("kubectl get service redis</code>");
    expect(html).not.toContain("`");
  });

  it("points a failed check to the next hint and what it costs, or to the solution", () => {
    const fail = { ...base, passed: false, outcome: "fail" as const, results: [check("service-headless", "fail", { hint: "Look at clusterIP" })] };
    const toHint = render(fail, { nextHelp: { kind: "hint", number: 2, xpCost: 25 } });
    expect(toHint).toContain('data-testid="next-hint-pointer"');
    expect(toHint).toContain("Hint 2");
    expect(toHint).toContain("−25 XP");
    expect(render(fail, { nextHelp: { kind: "solution" } })).toContain("solution");
    expect(render(fail, { nextHelp: null })).not.toContain("next-hint-pointer");
    // A passing check needs no help.
    const pass = render({ ...base, passed: true, outcome: "pass", results: [check("service-headless", "pass")] }, { nextHelp: { kind: "hint", number: 2, xpCost: 25 } });
    expect(pass).not.toContain("next-hint-pointer");
  });

  it("offers the chaos round with its bonus after the main round, and says when it is already earned", () => {
    const passed = { ...base, passed: true, outcome: "pass" as const, results: [check("service-headless", "pass")] };
    const offered = render(passed);
    expect(offered).toMatch(/data-testid="chaos-card" data-passed="false"/);
    expect(offered).toContain("+100 XP bonus");
    expect(offered).toContain("Run the chaos round");

    const state = [
      { type: "restore" as const, mainPassed: true, chaosPassed: true, debrief: null },
    ].reduce(gradeReducer, initialGradeState);
    const earned = renderToStaticMarkup(
      createElement(GradePanel, { state, onRun: () => undefined, canRun: true, blockedReason: null, modKey: "Ctrl", onReadDebrief: () => undefined, nextHelp: null, onShowHints: () => undefined, chaosBonusXp: 100 }),
    );
    expect(earned).toMatch(/data-testid="chaos-card" data-passed="true"/);
    expect(earned).toContain("Run the chaos round again");
    expect(earned).not.toContain("+100 XP bonus");
  });

  it("says what is wrong once, and the level's pointer under Look next", () => {
    const reason = "Service redis has the virtual IP 10.96.0.42.";
    const html = render({
      ...base,
      passed: false,
      outcome: "fail",
      results: [check("service-headless", "fail", { reason, hint: `${reason}\n\nCompare \`kubectl get service redis\` with the pods.` })],
    });
    expect(html.split("virtual IP 10.96.0.42").length - 1).toBe(1);
    expect(html).toContain("What is wrong: </span>");
    expect(html).toMatch(/Look next: <\/span>.*Compare/);
  });
});


describe("GradePanel with live checks (issue 15)", () => {
  const live: LiveChecks = {
    levelId: "l",
    namespace: "kq-x-30",
    readAt: "2026-12-01T10:00:00Z",
    checks: [
      { id: "service-headless", title: "The governing Service is headless", explanation: "why", live: true, verdict: "pass", evidence: ["Service redis: type ClusterIP, spec.clusterIP = None"] },
      { id: "pods-ready", title: "All Redis pods are Ready", explanation: "why", live: true, verdict: "fail", evidence: ["redis-1: Init:0/1"], reason: "redis-1 is stuck in its init container." },
      { id: "per-pod-dns", title: "Each pod resolves by its own name", explanation: "why", live: false },
    ],
  };
  const panel = (state = initialGradeState, extra: Partial<Parameters<typeof GradePanel>[0]> = {}) =>
    renderToStaticMarkup(
      createElement(GradePanel, { state, onRun: () => undefined, canRun: true, blockedReason: null, modKey: "Ctrl", onReadDebrief: () => undefined, nextHelp: null, onShowHints: () => undefined, chaosBonusXp: 100, ...extra }),
    );

  it("lists the level's checks before any grade, each live one marked Live with its verdict now", () => {
    const html = panel(initialGradeState, { live });
    expect(html).toMatch(/data-testid="grade-check-service-headless" data-status="pending" data-live="pass"/);
    expect(html).toMatch(/data-testid="grade-check-pods-ready" data-status="pending" data-live="fail"/);
    expect(html).toMatch(/data-testid="grade-check-per-pod-dns" data-status="pending" data-live="none"/);
    expect(html).toMatch(/data-testid="live-verdict" data-verdict="pass"[^>]*border-ok/);
    expect(html).toMatch(/data-testid="live-verdict" data-verdict="fail"[^>]*border-bad/);
    expect(html).toContain(": passes now");
    expect(html).toContain(": Not checked yet");
    expect(html).toContain("Checked when you press Check my work");
    expect(html).toContain('data-testid="live-checks-note"');
    expect(html).toContain("only Check my work passes the level");
    expect(html).toMatch(/Wrong now: <\/span>(<span>)?redis-1 is stuck in its init container\./);
    // No verdict of the grader's is made up: no summary, no icon but the pending one.
    expect(html).not.toContain('data-testid="grade-summary"');
    expect(html).not.toContain("Passed");
  });

  it("keeps the last grade's verdict and evidence beside a live verdict that differs", () => {
    const state = gradeReducer(gradeReducer(initialGradeState, { type: "request", round: "main" }), {
      type: "finished",
      finished: { ...base, passed: false, outcome: "fail", results: [check("service-headless", "fail", { evidence: ["Service redis: type ClusterIP, spec.clusterIP = 10.96.0.42"], reason: "virtual IP" })] },
    });
    const html = panel(state, { live });
    expect(html).toMatch(/data-testid="grade-check-service-headless" data-status="fail" data-live="pass"/);
    expect(html).toContain(": Failed");
    expect(html).toContain("What the grader saw at your last Check my work");
    expect(html).toContain("spec.clusterIP = 10.96.0.42");
    expect(html).toContain("Live now");
    expect(html).toContain("spec.clusterIP = None");
    expect(html).toContain("1 of 1 check failed.");
  });

  it("announces a live change politely, in a region of its own", () => {
    const html = panel(initialGradeState, { live, liveAnnouncement: "Live check passes now: The governing Service is headless." });
    expect(html).toMatch(/role="status" aria-live="polite" data-testid="live-checks-announcer">Live check passes now: The governing Service is headless\.</);
  });

  it("shows nothing live without live verdicts (before the level starts)", () => {
    const html = panel(initialGradeState);
    expect(html).not.toContain("live-checks-note");
    expect(html).not.toContain("live-verdict");
    expect(html).not.toContain("grade-check-");
  });
});
