import { readFileSync } from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { formatIssuePath, levelManifestSchema, parseLevelManifest, referencedFiles, stepSchema } from "./level-schema";

const LEVEL_30 = path.join(__dirname, "../../levels/03-networking-and-services/30-headless-statefulset-dns/level.yaml");

/** A fresh, mutable copy of Level 30's manifest as parsed YAML. */
function level30(): Record<string, unknown> {
  return yaml.load(readFileSync(LEVEL_30, "utf8")) as Record<string, unknown>;
}

function problemsOf(data: unknown): string[] {
  const result = parseLevelManifest(data);
  return result.ok ? [] : result.problems;
}

describe("levelManifestSchema", () => {
  it("accepts Level 30", () => {
    const result = parseLevelManifest(level30());
    expect(result.ok ? [] : result.problems).toEqual([]);
    if (!result.ok) return;
    const m = result.manifest;
    expect(m.id).toBe("headless-statefulset-dns");
    expect(m.grader.map((c) => c.id)).toEqual([
      "service-headless",
      "statefulset-service-name",
      "pods-ready",
      "endpointslice-hostnames",
      "service-dns",
      "per-pod-dns",
      "replication-topology",
      "replication-data",
    ]);
    expect(m.hints.map((h) => h.xpCost)).toEqual([25, 25, 50, 75]);
    expect(m.wrongFixes.map((f) => [f.id, f.failsAt])).toEqual([
      ["replicas-use-pod-ip", "replication-topology"],
      ["second-headless-service", "service-headless"],
      ["headless-selector-matches-nothing", "statefulset-service-name"],
      ["deployment-instead-of-statefulset", "statefulset-service-name"],
      ["pin-primary-with-host-aliases", "replication-topology"],
      ["statefulset-under-new-service", "pods-ready"],
      ["debug-pod-labelled-redis", "endpointslice-hostnames"],
      ["move-names-to-redis-headless", "service-dns"],
      ["both-services-headless", "per-pod-dns"],
      ["writable-replicas", "replication-data"],
    ]);
    expect(m.brokenState).toEqual({ failsAt: "service-headless", evidence: "has the virtual IP" });
    expect(m.panels).toEqual(["node-rules"]);
  });

  it("shows no extra panel unless the level names one, and refuses an unknown or repeated one", () => {
    const data = level30();
    delete data.panels;
    expect(levelManifestSchema.parse(data).panels).toEqual([]);
    data.panels = ["node-rule"];
    expect(problemsOf(data)).toEqual([expect.stringMatching(/^panels\[0\]: .*node-rules/)]);
    data.panels = ["node-rules", "node-rules"];
    expect(problemsOf(data)).toEqual([expect.stringMatching(/^panels\[1\]: node-rules is listed twice/)]);
  });

  it("lists every file the manifest refers to", () => {
    const m = levelManifestSchema.parse(level30());
    expect(referencedFiles(m)).toEqual([
      "broken/service.yaml",
      "broken/statefulset.yaml",
      "solution/service.yaml",
      "wrong-fixes/debug-pod-labelled-redis/pod.yaml",
      "wrong-fixes/deployment-instead-of-statefulset/deployment.yaml",
      "wrong-fixes/headless-selector-matches-nothing/service.yaml",
      "wrong-fixes/move-names-to-redis-headless/statefulset.yaml",
      "wrong-fixes/pin-primary-with-host-aliases/statefulset.yaml",
      "wrong-fixes/second-headless-service/service-redis-headless.yaml",
      "wrong-fixes/statefulset-under-new-service/statefulset.yaml",
    ]);
  });

  it("names a missing field", () => {
    const data = level30();
    delete data.title;
    expect(problemsOf(data)).toEqual([expect.stringMatching(/^title: /)]);
  });

  it("names an unknown field, so typos do not pass silently", () => {
    const data = level30();
    (data.hints as Record<string, unknown>[])[1]!.xpcost = 10;
    expect(problemsOf(data).join("\n")).toMatch(/hints\[1\]/);
  });

  it("refuses a wrong fix whose failsAt is not a check id", () => {
    const data = level30();
    (data.wrongFixes as Record<string, unknown>[])[0]!.failsAt = "replication-topolgy";
    expect(problemsOf(data)).toEqual([
      expect.stringMatching(/^wrongFixes\[0\]\.failsAt: "replication-topolgy" is not a grader check id/),
    ]);
  });

  it("refuses a chaos check that is not a grader check", () => {
    const data = level30();
    (data.chaos as { checks: string[] }).checks.push("nope");
    expect(problemsOf(data)).toEqual([expect.stringMatching(/^chaos\.checks\[2\]: "nope"/)]);
  });

  it("refuses duplicate check ids", () => {
    const data = level30();
    const grader = data.grader as Record<string, unknown>[];
    grader[5]!.id = "service-dns";
    expect(problemsOf(data)).toContainEqual(expect.stringMatching(/^grader\[5\]\.id: duplicate check id "service-dns"/));
  });

  it("refuses a step with an unknown action", () => {
    const data = level30();
    (data.solution as unknown[])[0] = { action: "patch", file: "solution/service.yaml" };
    expect(problemsOf(data).join("\n")).toMatch(/^solution\[0\]\.action: /);
  });

  it("leaves a check's type and params to the check library, but refuses params that are not a mapping", () => {
    // Which types exist and what each takes: server/levels/level-check.test.ts (the library's rules).
    const data = level30();
    (data.grader as Record<string, unknown>[])[2]!.params = ["timeoutSeconds", 60];
    expect(problemsOf(data).join("\n")).toMatch(/grader\[2\]\.params/);
  });

  it("refuses hints that cost more than the level is worth", () => {
    const data = level30();
    (data.hints as Record<string, unknown>[])[3]!.xpCost = 1000;
    expect(problemsOf(data).join("\n")).toMatch(/^hints: the hints cost 1100 XP/);
  });
});

describe("stepSchema", () => {
  it("accepts each action", () => {
    for (const step of [
      { action: "apply", file: "solution/service.yaml" },
      { action: "recreate", file: "solution/service.yaml" },
      { action: "delete", kind: "StatefulSet", name: "redis" },
      { action: "waitReady", timeoutSeconds: 60 },
      { action: "exec", pod: "redis-1", container: "redis", command: ["redis-cli", "REPLICAOF", "{{podIP:redis-0}}", "6379"] },
    ]) {
      expect(stepSchema.safeParse(step).success, JSON.stringify(step)).toBe(true);
    }
  });

  it("refuses files outside the level directory", () => {
    for (const file of ["../other/service.yaml", "/etc/passwd.yaml", "broken/../../x.yaml", ".hidden.yaml", "notes.txt"]) {
      expect(stepSchema.safeParse({ action: "apply", file }).success, file).toBe(false);
    }
  });

  it("refuses unknown placeholders and empty commands", () => {
    expect(stepSchema.safeParse({ action: "exec", pod: "redis-1", command: ["echo", "{{namespace}}"] }).success).toBe(false);
    expect(stepSchema.safeParse({ action: "exec", pod: "redis-1", command: ["echo", "{{podIP:Redis_0}}"] }).success).toBe(false);
    expect(stepSchema.safeParse({ action: "exec", pod: "redis-1", command: [] }).success).toBe(false);
  });

  it("refuses a step missing its field", () => {
    expect(stepSchema.safeParse({ action: "delete", kind: "Service" }).success).toBe(false);
    expect(stepSchema.safeParse({ action: "waitReady" }).success).toBe(false);
  });
});

describe("formatIssuePath", () => {
  it("writes paths the way an author reads YAML", () => {
    expect(formatIssuePath(["wrongFixes", 0, "steps", 2, "file"])).toBe("wrongFixes[0].steps[2].file");
    expect(formatIssuePath([])).toBe("(top level)");
  });
});
