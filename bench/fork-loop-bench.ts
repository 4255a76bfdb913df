/**
 * The `fork-loop` section of `npm run bench`: how one learner's fork loop slows another
 * learner's terminal. Two learners A and B start Level 30; B types 30 keys (echo time each, over
 * the socket) before, then again while A's toolbox forks 3,000 sleepers and sits at its pod's
 * process limit (read from the pod's cgroup on the kind node). The test that A stops at its own
 * limit and B's terminal keeps echoing is tests/integration/fork-loop-isolation.test.ts; how
 * fast B's echo stays is measured here, never asserted in a test.
 */
import { execFileSync } from "node:child_process";
import { NODE_CONTAINER } from "../cluster-kit/kit-config";
import type { EnvironmentStatus } from "../lib/protocol/socket-events";
import type { KubeAdapter } from "../server/kubernetes/kube-adapter";
import { kubectl } from "../tests/integration/support/kubectl";
import { ask, percentile, sessionClient, type Client } from "./bench-client";

/** The kit's kind config (cluster-kit/kind-config.yaml). */
const POD_PIDS_LIMIT = 1024;
const KEYS = 30;

export interface ForkLoopResult {
  /** B's keystroke → echo times (ms) before A's fork loop, and while A's pod sat at its limit. */
  before: number[];
  during: number[];
  /** A's pod's highest process count seen. */
  peak: number;
}

/** Types `count` keys into the socket's terminal; each one's echo time (ms). */
async function echoes(socket: Client, screen: { text: string }, count: number): Promise<number[]> {
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
  return samples;
}

export async function benchForkLoop(base: string, levelId: string, kube: KubeAdapter): Promise<ForkLoopResult> {
  const [a, b] = [await sessionClient(base), await sessionClient(base)];
  try {
    const [envA] = await Promise.all([ask<EnvironmentStatus>(a, "level:start", { levelId }), ask<EnvironmentStatus>(b, "level:start", { levelId })]);
    const screen = { text: "" };
    b.on("terminal:output", (chunk) => {
      screen.text += chunk.data;
      b.emit("terminal:ack", { bytes: chunk.bytes });
    });
    await ask(b, "terminal:open", { levelId, cols: 100, rows: 30 });
    b.emit("terminal:input", { data: "echo kq-ready-$((6*7))\r" });
    const readyBy = Date.now() + 30_000;
    while (!screen.text.includes("kq-ready-42")) {
      if (Date.now() > readyBy) throw new Error("B's terminal never answered");
      await new Promise((r) => setTimeout(r, 50));
    }
    const before = await echoes(b, screen, KEYS);

    const namespace = envA.namespace!;
    const storm = kube.exec(namespace, "toolbox", undefined, ["sh", "-c", "i=0; while [ $i -lt 3000 ]; do sleep 45 & i=$((i+1)); done; echo loop-ended"], { timeoutMs: 240_000 });
    const uid = kubectl(["get", "pod", "-n", namespace, "toolbox", "-o", "jsonpath={.metadata.uid}"]).replaceAll("-", "_");
    const podPids = () =>
      Number(
        execFileSync("docker", ["exec", NODE_CONTAINER, "sh", "-c", `cat "$(find /sys/fs/cgroup/pids -type d -name '*pod${uid}.slice' | sed -n 1p)/pids.current"`], { encoding: "utf8" }).trim(),
      );
    let peak = 0;
    const deadline = Date.now() + 60_000;
    while (peak < POD_PIDS_LIMIT - 64 && Date.now() < deadline) {
      peak = Math.max(peak, podPids());
      await new Promise((r) => setTimeout(r, 200));
    }
    const during = await echoes(b, screen, KEYS);
    peak = Math.max(peak, podPids());
    await storm.catch(() => undefined);
    process.stdout.write(`  fork-loop: A's pod peaked at ${peak} processes; B's echo p50 ${percentile(before, 50).toFixed(1)} → ${percentile(during, 50).toFixed(1)} ms\n`);
    return { before, during, peak };
  } finally {
    for (const s of [a, b]) {
      await ask(s, "level:abandon", { levelId }).catch(() => undefined);
      s.close();
    }
  }
}
