// One learner's fork loop must stop at their own pod's process limit (the kit's kubelet sets
// podPidsLimit), while another learner's terminal keeps echoing: two learners A and B on one
// installation and the real cluster, B typing over the socket before and while A's toolbox
// forks as fast as it can. How fast B's echo stays (before vs during, p50/p95) is measured by
// `npm run bench`'s "fork-loop" section, not asserted here: a test never asserts a time.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NODE_CONTAINER } from "../../cluster-kit/kit-config";
import type { EnvironmentStatus } from "../../lib/protocol/socket-events";
import { environmentNamespace } from "../../server/environments/environment-naming";
import { createKubeAdapter } from "../../server/kubernetes/kube-client";
import type { KubeAdapter } from "../../server/kubernetes/kube-adapter";
import { getLevelCatalog } from "../../server/levels/level-catalog";
import { SESSION_COOKIE } from "../../server/session/anonymous-session";
import { kubectl } from "./support/kubectl";
import { ask, startTestServer, type TestServer, type TestSocket } from "./support/test-server";

const LEVEL = "headless-statefulset-dns";
/** The kit's kind config (cluster-kit/kind-config.yaml). */
const POD_PIDS_LIMIT = 1024;
let kube: KubeAdapter;
let server: TestServer;

interface Learner {
  socket: TestSocket;
  namespace: string;
}

async function newLearner(): Promise<Learner> {
  const res = await fetch(`${server.kq.url}/`);
  const value = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(res.headers.get("set-cookie") ?? "")?.[1];
  if (!value) throw new Error("no session cookie");
  const learner = (await server.kq.services.accounts.resolveSession(server.signer.verify(value)!)).learner.id;
  const namespace = environmentNamespace(learner, (await getLevelCatalog()).get(LEVEL)!.manifest.number);
  const socket = server.socket({ cookie: `${SESSION_COOKIE}=${value}` });
  const started = await ask<EnvironmentStatus>(socket, "level:start", { levelId: LEVEL });
  expect(started).toMatchObject({ ok: true, value: { phase: "ready", namespace } });
  return { socket, namespace };
}

/** Types `count` keys into the learner's terminal, each echoed (15 s at most: a stalled terminal fails); their echo times (ms), sorted. */
async function echoes(socket: TestSocket, screen: { text: string }, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const key = "abcdefghij"[i % 10]!;
    screen.text = "";
    const t0 = performance.now();
    socket.emit("terminal:input", { data: key });
    while (!screen.text.includes(key)) {
      if (performance.now() - t0 > 15_000) throw new Error(`no echo of "${key}" within 15 s`);
      await new Promise((r) => setTimeout(r, 2));
    }
    samples.push(performance.now() - t0);
    if (i % 10 === 9) socket.emit("terminal:input", { data: "\u0015" }); // Ctrl+U: clear the line
    await new Promise((r) => setTimeout(r, 30));
  }
  return samples.sort((a, b) => a - b);
}

const median = (sorted: number[]): number => sorted[Math.floor(sorted.length / 2)]!;

beforeAll(async () => {
  kube = createKubeAdapter();
  server = await startTestServer({ name: "kq-forkloop-" });
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe("a fork loop in one learner's pod", () => {
  let a: Learner;
  let b: Learner;

  beforeAll(async () => {
    [a, b] = await Promise.all([newLearner(), newLearner()]);
  }, 300_000);

  afterAll(async () => {
    for (const l of [a, b]) if (l) await kube.deleteNamespace(l.namespace).catch(() => undefined);
  });

  it("stops at A's pod limit while B's terminal keeps echoing", async () => {
    const screen = { text: "" };
    b.socket.on("terminal:output", (chunk) => {
      screen.text += chunk.data;
      b.socket.emit("terminal:ack", { bytes: chunk.bytes });
    });
    expect(await ask(b.socket, "terminal:open", { levelId: LEVEL, cols: 100, rows: 30 }, 30_000)).toMatchObject({ ok: true });
    // The prompt is drawn once the shell has answered a command typed after it (tmux sends in
    // order), so no redraw of the attach lands among the echoes below.
    b.socket.emit("terminal:input", { data: "echo kq-ready-$((6*7))\r" });
    const readyBy = Date.now() + 30_000;
    while (!screen.text.includes("kq-ready-42") && Date.now() < readyBy) await new Promise((r) => setTimeout(r, 50));
    expect(screen.text).toContain("kq-ready-42");
    const before = await echoes(b.socket, screen, 30);

    // A forks 3,000 sleepers with dash (no retry on EAGAIN, unlike bash); they exit by themselves.
    const storm = kube.exec(a.namespace, "toolbox", undefined, ["sh", "-c", "i=0; while [ $i -lt 3000 ]; do sleep 45 & i=$((i+1)); done; echo loop-ended"], {
      timeoutMs: 240_000,
    });
    // A's pod's process count, read on the node from the pod's own cgroup (the limit sits there).
    const uid = kubectl(["get", "pod", "-n", a.namespace, "toolbox", "-o", "jsonpath={.metadata.uid}"]).replaceAll("-", "_");
    // kind names node containers after their nodes: the pod's own node, on a cluster of several.
    const node = kubectl(["get", "pod", "-n", a.namespace, "toolbox", "-o", "jsonpath={.spec.nodeName}"]) || NODE_CONTAINER;
    const podPids = (file: "pids.current" | "pids.max") =>
      execFileSync("docker", ["exec", node, "sh", "-c", `cat "$(find /sys/fs/cgroup/pids -type d -name '*pod${uid}.slice' | sed -n 1p)/${file}"`], {
        encoding: "utf8",
      }).trim();
    expect(podPids("pids.max")).toBe(String(POD_PIDS_LIMIT));
    let peak = 0;
    const deadline = Date.now() + 60_000;
    while (peak < POD_PIDS_LIMIT - 64 && Date.now() < deadline) {
      peak = Math.max(peak, Number(podPids("pids.current")));
      await new Promise((r) => setTimeout(r, 200));
    }
    // Measure B while A's pod sits at its limit (the sleepers hold their pids for 45 s).
    const during = await echoes(b.socket, screen, 30);
    peak = Math.max(peak, Number(podPids("pids.current")));
    const result = await storm;

    // A's loop hit its own pod's limit: the count reached it and never passed it; forks failed.
    expect(peak).toBeGreaterThan(POD_PIDS_LIMIT - 64);
    expect(peak).toBeLessThanOrEqual(POD_PIDS_LIMIT);
    expect(`${result.stderr}${result.stdout}`).toMatch(/fork/i);
    // B typed on: every key echoed while A's pod sat at its limit (a node-wide exhaustion would
    // stall or fail B's terminal). How fast: npm run bench, section fork-loop.
    console.log(`B's echo median: ${median(before).toFixed(1)} ms before, ${median(during).toFixed(1)} ms during A's fork loop (A's pod peaked at ${peak} processes)`);
    expect(during).toHaveLength(30);
  }, 420_000);
});
