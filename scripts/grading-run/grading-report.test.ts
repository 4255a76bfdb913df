import { describe, expect, it } from "vitest";
import { failureLines, formatTable } from "./grading-report";
import { execLine, type LevelReport } from "./play-level";

const level: LevelReport = {
  id: "headless-statefulset-dns",
  number: 30,
  title: "Headless Services & StatefulSet DNS",
  ok: false,
  startMs: 5200,
  totalMs: 60_000,
  scenarios: [
    { name: "broken start", kind: "broken", expected: "fail", ok: true, passed: false, check: "service-headless", steps: [], checks: [{ id: "service-headless", status: "fail", durationMs: 80 }], totalMs: 1000 },
    {
      name: "solution",
      kind: "solution",
      expected: "pass",
      ok: false,
      passed: false,
      check: "statefulset-service-name",
      problem: "expected to pass, but check statefulset-service-name failed",
      steps: [{ description: "recreate solution/service.yaml", via: "editor (Recreate)", durationMs: 2800 }],
      checks: [
        { id: "service-headless", status: "pass", durationMs: 100 },
        { id: "statefulset-service-name", status: "fail", durationMs: 120 },
      ],
      totalMs: 9000,
    },
  ],
};

describe("grading run report", () => {
  it("names the level, the scenario and the check of every problem", () => {
    expect(failureLines([level])).toEqual([
      'level headless-statefulset-dns, scenario "solution", check statefulset-service-name: expected to pass, but check statefulset-service-name failed',
    ]);
  });

  it("prints one row per scenario, step and check, with times", () => {
    const table = formatTable([level]);
    expect(table).toMatch(/✗\s+30 headless-statefulset-dns\s+start\s+ready\s+ready\s+5\.2 s/);
    expect(table).toMatch(/✗\s+solution\s+pass\s+fail at statefulset-service-name\s+9\.0 s/);
    expect(table).toMatch(/fail\s+statefulset-service-name\s+0\.1 s/);
    expect(table).toMatch(/recreate solution\/service\.yaml\s+editor \(Recreate\)\s+2\.8 s/);
  });
});

describe("exec steps typed into the terminal", () => {
  it("quotes every argument and lets the shell fill in a pod's IP", () => {
    expect(execLine({ action: "exec", pod: "redis-1", command: ["redis-cli", "REPLICAOF", "{{podIP:redis-0}}", "6379"] })).toBe(
      `kubectl exec redis-1 -- 'redis-cli' 'REPLICAOF' ''"$(kubectl get pod redis-0 -o jsonpath='{.status.podIP}')"'' '6379'`,
    );
    expect(execLine({ action: "exec", pod: "p", container: "c", command: ["sh", "-c", "echo 'hi'; rm -rf /"] })).toBe(
      `kubectl exec p -c c -- 'sh' '-c' 'echo '\\''hi'\\''; rm -rf /'`,
    );
  });
});
