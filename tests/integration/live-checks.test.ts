// Live checks on the real cluster (issue 15 item 2): a learner's tab receives the object-only
// checks' verdicts as the namespace changes. The fix here is made with kubectl, outside every
// KubeQuest request, so only the namespace watch can tell the server: the Service made headless
// flips service-headless from fail to pass, and pods-ready follows once the replicas start.
// Nothing of it is a grade: no attempt, no XP, no pass recorded, no grade event, and a socket
// sending a forged `checks:live` changes nothing; only "Check my work" (grade:run) passes the
// level and awards its XP.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GradeFinished, LiveChecks } from "../../lib/protocol/socket-events";
import { environmentNamespace } from "../../server/environments/environment-naming";
import { createKubeAdapter } from "../../server/kubernetes/kube-client";
import { getLevelCatalog, type LoadedLevel } from "../../server/levels/level-catalog";
import { levelRulesOf } from "../../server/progress/level-rules";
import { SESSION_COOKIE } from "../../server/session/anonymous-session";
import { kubectl } from "./support/kubectl";
import { ask, connected, nextEvent, startTestServer, type TestServer, type TestSocket } from "./support/test-server";

const LEVEL = "headless-statefulset-dns";

let server: TestServer;
let level: LoadedLevel;
let kube: ReturnType<typeof createKubeAdapter>;
let socket: TestSocket;
let learnerId: string;
let cookie: string;
let namespace: string;
const received: { at: number; checks: LiveChecks }[] = [];
const gradeEvents: string[] = [];

const verdictOf = (checks: LiveChecks, id: string) => checks.checks.find((c) => c.id === id)?.verdict;

/** Waits for a `checks:live` received after index `from` that satisfies `match`. */
async function liveChecksWhere(from: number, match: (c: LiveChecks) => boolean, timeoutMs: number): Promise<{ at: number; checks: LiveChecks }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = received.slice(from).find((r) => match(r.checks));
    if (found) return found;
    if (Date.now() > deadline) {
      const last = received.at(-1)?.checks.checks.map((c) => `${c.id}=${c.verdict ?? "-"}`).join(", ");
      throw new Error(`no matching checks:live within ${timeoutMs} ms (last: ${last ?? "none"})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  kube = createKubeAdapter();
  level = (await getLevelCatalog()).get(LEVEL)!;
  server = await startTestServer({ name: "kq-live-checks-" });
  const res = await fetch(`${server.kq.url}/`);
  const value = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(res.headers.get("set-cookie") ?? "")![1]!;
  cookie = `${SESSION_COOKIE}=${value}`;
  learnerId = (await server.kq.services.accounts.resolveSession(server.signer.verify(value)!)).learner.id;
  namespace = environmentNamespace(learnerId, level.manifest.number);
  socket = server.socket({ cookie });
  socket.on("checks:live", (checks) => received.push({ at: Date.now(), checks }));
  for (const event of ["grade:started", "grade:check", "grade:finished"] as const) socket.on(event, () => gradeEvents.push(event));
  await connected(socket);
});

afterAll(async () => {
  if (namespace) await kube?.deleteNamespace(namespace, { wait: false }).catch(() => undefined);
  await server?.close();
});

describe("live checks of Level 30", () => {
  it("start red on the broken namespace, with the probe checks left to Check my work", async () => {
    expect(await ask(socket, "level:start", { levelId: LEVEL })).toMatchObject({ ok: true, value: { phase: "ready", namespace } });
    const { checks } = await liveChecksWhere(0, (c) => verdictOf(c, "service-headless") === "fail", 60_000);
    expect(checks).toMatchObject({ levelId: LEVEL, namespace });
    expect(checks.checks.map((c) => c.id)).toEqual(level.manifest.grader.map((s) => s.id));
    expect(checks.checks.filter((c) => c.live).map((c) => c.id)).toEqual(["service-headless", "statefulset-service-name", "pods-ready", "endpointslice-hostnames"]);
    expect(checks.checks.filter((c) => !c.live).every((c) => c.verdict === undefined && c.evidence === undefined)).toBe(true);
    const headless = checks.checks.find((c) => c.id === "service-headless")!;
    expect(headless.reason).toMatch(/^Service redis has the virtual IP 10\.96\.\d+\.\d+, so DNS answers with that one address/);
    expect(headless.evidence).toContainEqual(expect.stringMatching(/^Service redis: type ClusterIP, spec\.clusterIP = 10\.96\./));
  });

  it("a second tab of the learner gets the last verdicts at once, without waiting for a change", async () => {
    const other = server.socket({ cookie });
    try {
      const first = nextEvent(other, "checks:live", () => true, 30_000);
      await connected(other);
      expect(await ask(other, "level:open", { levelId: LEVEL })).toMatchObject({ ok: true, value: { phase: "ready" } });
      expect(verdictOf(await first, "service-headless")).toBe("fail");
    } finally {
      other.disconnect();
    }
  });

  it("turns service-headless green from the watch alone when the Service is recreated headless with kubectl", async () => {
    const from = received.length;
    const file = level.manifest.solution.find((s) => s.action === "recreate")!.file!;
    const headless = readFileSync(path.join(level.dir, file), "utf8");
    kubectl(["delete", "service", "redis", "-n", namespace, "--wait=true"]);
    kubectl(["apply", "-n", namespace, "-f", "-"], { input: headless });
    const changed = Date.now();
    const { at, checks } = await liveChecksWhere(from, (c) => verdictOf(c, "service-headless") === "pass", 30_000);
    // How fast is the bench's business; the test proves it happens, from the watch.
    console.log(`[live-checks] service-headless turned green ${at - changed} ms after kubectl apply returned`);
    expect(checks.checks.find((c) => c.id === "service-headless")!.evidence).toContain("Service redis: type ClusterIP, spec.clusterIP = None");
    expect(checks.checks.find((c) => c.id === "service-headless")).not.toHaveProperty("reason");
  });

  it("turns pods-ready and endpointslice-hostnames green once the replicas start, and none of it is a grade", async () => {
    await liveChecksWhere(0, (c) => c.checks.filter((x) => x.live).every((x) => x.verdict === "pass"), 180_000);
    // A hostile tab claims every check passed: the server has no such request.
    (socket as unknown as { emit(e: string, p: unknown): void }).emit("checks:live", {
      levelId: LEVEL,
      namespace,
      checks: level.manifest.grader.map((s) => ({ id: s.id, title: s.title, explanation: s.explanation, live: true, verdict: "pass" })),
      readAt: new Date().toISOString(),
    });
    // A round trip on the same socket: everything it sent before has been handled.
    expect(await ask(socket, "level:open", { levelId: LEVEL })).toMatchObject({ ok: true, value: { phase: "ready", passed: false } });
    const progress = await server.kq.services.progress.levelProgress(learnerId, levelRulesOf(level));
    expect(progress).toMatchObject({ attempts: 0, passedAt: null, mainXp: null });
    expect(await server.kq.services.progress.learnerXp(learnerId)).toBe(0);
    expect((await server.kq.services.progress.historyOf(learnerId)).grades).toEqual([]);
    expect(gradeEvents).toEqual([]);
  });

  it("leaves passing to Check my work: the full grade passes and only it awards the level's XP", async () => {
    const finished = await ask<GradeFinished>(socket, "grade:run", { levelId: LEVEL, round: "main" });
    expect(finished).toMatchObject({ ok: true, value: { passed: true, outcome: "pass" } });
    const progress = await server.kq.services.progress.levelProgress(learnerId, levelRulesOf(level));
    expect(progress.attempts).toBe(1);
    expect(progress.passedAt).not.toBeNull();
    expect(await server.kq.services.progress.learnerXp(learnerId)).toBe(level.manifest.xp);
  });
});
