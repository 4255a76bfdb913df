/**
 * The `load` section of `npm run bench`: a class at once. N scripted learners, each its own
 * anonymous session on its own socket, all press Start together, apply the real fix through the
 * editor's Recreate, wait until their fix has settled (the first passing grade), then grade three
 * times at the same moment as everyone else (a barrier before each round), then run the chaos
 * round. Every grade of a settled, correct fix must pass: any other verdict is counted as a
 * wrong verdict and printed with the check that said so. Meanwhile the server's RSS and CPU and
 * the API server's latency (a namespace list through our own adapter) are sampled every second.
 */
import type { ChildProcess } from "node:child_process";
import { CoreV1Api } from "@kubernetes/client-node";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { EnvironmentStatus, GradeFinished } from "../lib/protocol/socket-events";
import type { KubeAdapter } from "../server/kubernetes/kube-adapter";
import { getLevelCatalog } from "../server/levels/level-catalog";
import { loadKubeConfig } from "../server/kubernetes/kube-config";
import { POOL_LABELS } from "../server/environments/warm-pool";
import { ask, sessionClient, type Client } from "./bench-client";
import { benchRunSelector } from "./bench-run";
import { sampleNamespaceUsage, type UsageSample } from "./cluster-usage";
import { machineCpuBetween, parseProcStat, type CpuTimes, type MachineCpu } from "./machine-cpu";
import { POD_RETURN_PHASES, podReturnPhases, type PodReturnPhase } from "./pod-return-phases";

export interface LoadResult {
  learners: number;
  /** level:start → environment ready, per learner (ms). */
  start: number[];
  /** Those of them handed an environment the warm pool had built (its namespace carried the pool's label). */
  startPooled: number[];
  /** Those that found the pool empty and waited for a cold start. */
  startCold: number[];
  /** Fix applied → first passing grade, per learner (ms): the cluster settling, not the grader. */
  settle: number[];
  /** Each of the simultaneous grades of a settled fix (ms). */
  grade: number[];
  /** Those grades' time per check (ms, by check id, in the level's order): where a slow grade goes. */
  gradeChecks: Record<string, number[]>;
  /** The chaos round, per learner (ms). */
  chaos: number[];
  /**
   * The chaos rounds' time per check (ms, by check id): `chaos-pod-replaced` is the pod deleted
   * until its replacement is Ready; the others include their retries while replicas follow it.
   */
  chaosChecks: Record<string, number[]>;
  /** The deleted pod's way back, per phase (ms; see pod-return-phases.ts): where `chaos-pod-replaced` goes. */
  chaosPhases: Record<PodReturnPhase, number[]>;
  /** Grades of a settled, correct fix that did not pass: "learner n, round r: check status — evidence". */
  wrongVerdicts: string[];
  /** Grades that ended "KubeQuest could not check this": not wrong, but not an answer either. */
  couldNotCheck: string[];
  /** Chaos rounds that failed a correct fix: the chaos round's wrong verdicts. */
  chaosFailures: string[];
  /** Chaos rounds that ended "could not check" (the cluster too slow to bring the pod back, said so). */
  chaosCouldNotCheck: string[];
  /** Learners that never got a ready environment or a settled fix, with why. */
  brokenLearners: string[];
  serverRssPeakMb: number;
  serverCpuMeanPct: number;
  /** A namespace list through the Kubernetes adapter, sampled every second during the load (ms). */
  apiLatency: number[];
  /**
   * What one playing learner's namespace costs the cluster (kubelet summaries, sampled every
   * 5 s while every learner played: pods, CPU and memory in use, and the requests the scheduler
   * reserves), and the same for one idle pooled environment before the class started.
   * Undefined when the nodes' summaries could not be read (the reason is in usageError).
   */
  perLearner?: UsageSample;
  perPooled?: UsageSample;
  /**
   * The nodes' whole CPU (millicores): before the class (the pool idle) and while every learner
   * played, the part of it outside every pod (kubelet, runtime), and what the class added per learner,
   * which the pods' own figures leave out (execs and container starts are the runtime's work).
   */
  nodeCpu?: NodeCpu;
  /** The whole machine over the class, and what the hypervisor took from it (machine-cpu.ts): a noisy neighbour shows here. */
  machine?: MachineCpu;
  usageError?: string;
}

/** A sample divided by the namespaces it covered: one environment's share (the node's figures stay whole). */
function perNamespace(s: UsageSample): UsageSample {
  const n = Math.max(1, s.namespaces);
  return { ...s, namespaces: 1, pods: s.pods / n, cpuMilli: s.cpuMilli / n, memoryMb: s.memoryMb / n, requestsCpuMilli: s.requestsCpuMilli / n, requestsMemoryMb: s.requestsMemoryMb / n };
}

export interface NodeCpu {
  idleMilli: number;
  classMilli: number;
  outsidePodsMilli: number;
  perLearnerMilli: number;
}

/** The nodes' CPU while every environment was up (mean), against the idle sample, per learner. */
export function nodeCpuOfClass(idle: UsageSample | undefined, samples: UsageSample[], learners: number): NodeCpu | undefined {
  const most = Math.max(0, ...samples.map((s) => s.namespaces));
  const full = samples.filter((s) => s.namespaces === most && most > 0);
  if (!idle || full.length === 0 || learners === 0) return undefined;
  const mean = (f: (s: UsageSample) => number) => full.reduce((sum, s) => sum + f(s), 0) / full.length;
  const classMilli = mean((s) => s.nodeCpuMilli);
  return { idleMilli: idle.nodeCpuMilli, classMilli, outsidePodsMilli: mean((s) => s.outsidePodsCpuMilli), perLearnerMilli: (classMilli - idle.nodeCpuMilli) / learners };
}

/** One environment's cost over the samples taken while every environment was up: mean CPU, peak memory and pods. */
export function perEnvironmentCost(samples: UsageSample[]): UsageSample | undefined {
  const most = Math.max(0, ...samples.map((s) => s.namespaces));
  const full = samples.filter((s) => s.namespaces === most && most > 0).map(perNamespace);
  if (full.length === 0) return undefined;
  const peak = full.reduce((a, b) => (b.memoryMb > a.memoryMb ? b : a));
  return { ...peak, cpuMilli: full.reduce((sum, s) => sum + s.cpuMilli, 0) / full.length, pods: Math.max(...full.map((s) => s.pods)) };
}

const GRADE_ROUNDS = 3;
const SETTLE_LIMIT_MS = 180_000;

/** A reusable meeting point: released when every learner still playing has arrived. */
function barrier(parties: number): { arrive: () => Promise<void>; leave: () => void } {
  let waiting = 0;
  let expected = parties;
  let release!: () => void;
  let released = new Promise<void>((r) => (release = r));
  const check = () => {
    if (waiting >= expected) {
      const done = release;
      waiting = 0;
      released = new Promise<void>((r) => (release = r));
      done();
    }
  };
  return {
    arrive: () => {
      const mine = released;
      waiting++;
      check();
      return mine;
    },
    leave: () => {
      expected--;
      check();
    },
  };
}

function failedCheckSummary(r: GradeFinished): string {
  const bad = r.results.find((c) => c.status !== "pass");
  if (!bad) return "no check failed, yet not passed";
  return `${bad.id} ${bad.status} — ${(bad.evidence[0] ?? bad.hint ?? "").slice(0, 160)}`;
}

function waitForReady(socket: Client, levelId: string, timeoutMs: number): Promise<EnvironmentStatus> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`environment not ready within ${timeoutMs / 1000} s`)), timeoutMs);
    const onStatus = (s: EnvironmentStatus) => {
      if (s.levelId !== levelId) return;
      if (s.phase === "ready") {
        clearTimeout(timer);
        socket.off("environment:status", onStatus);
        resolve(s);
      } else if (s.phase === "failed") {
        clearTimeout(timer);
        socket.off("environment:status", onStatus);
        reject(new Error(`environment failed: ${s.message ?? "no message"}`));
      }
    };
    socket.on("environment:status", onStatus);
  });
}

/** CPU time of a process in clock ticks, and its resident memory in MB, from /proc. */
function processSample(pid: number): { ticks: number; rssMb: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    return { ticks, rssMb: rssKb / 1024 };
  } catch {
    return undefined;
  }
}

/** The machine's CPU times, or nothing where there is no /proc/stat (the section then prints no machine line). */
function readMachineCpu(): CpuTimes | undefined {
  try {
    return parseProcStat(readFileSync("/proc/stat", "utf8"));
  } catch {
    return undefined;
  }
}

/** The servers' summed CPU ticks and RSS (one process, or every instance of a scaled-out run). */
function serversSample(pids: number[]): { ticks: number; rssMb: number } | undefined {
  const samples = pids.map(processSample);
  if (samples.some((s) => s === undefined)) return undefined;
  return samples.reduce<{ ticks: number; rssMb: number }>((sum, s) => ({ ticks: sum.ticks + s!.ticks, rssMb: sum.rssMb + s!.rssMb }), { ticks: 0, rssMb: 0 });
}

export async function benchLoad(base: string, levelId: string, learners: number, servers: ChildProcess[], kube: KubeAdapter): Promise<LoadResult> {
  const level = (await getLevelCatalog()).get(levelId);
  if (!level) throw new Error(`level ${levelId} not found`);
  const fix = level.manifest.solution.find((s) => s.action === "recreate");
  if (!fix) throw new Error(`level ${levelId} has no recreate step in its solution`);
  const fixYaml = readFileSync(path.join(level.dir, fix.file), "utf8");

  const result: LoadResult = {
    learners,
    start: [],
    startPooled: [],
    startCold: [],
    settle: [],
    grade: [],
    gradeChecks: {},
    chaos: [],
    chaosChecks: {},
    chaosPhases: Object.fromEntries(POD_RETURN_PHASES.map((p) => [p, []])) as unknown as Record<PodReturnPhase, number[]>,
    wrongVerdicts: [],
    couldNotCheck: [],
    chaosFailures: [],
    chaosCouldNotCheck: [],
    brokenLearners: [],
    serverRssPeakMb: 0,
    serverCpuMeanPct: 0,
    apiLatency: [],
  };

  // What an idle pooled environment costs, before the class takes them.
  const kc = loadKubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const chaosPod = level.manifest.chaos?.deletePod;
  const learnerNamespaces = new Set<string>();
  // Every namespace the pool builds carries its label from the start until a learner claims it:
  // seen once a second, so a learner's namespace found here was handed over from the pool.
  const everPooled = new Set<string>();
  const starts: { namespace: string | null; ms: number }[] = [];
  const notePool = async () => {
    for (const n of await kube.listNamespaces(benchRunSelector(`${POOL_LABELS.pool}=${levelId}`))) everPooled.add(n.name);
  };
  const usageSamples: UsageSample[] = [];
  let idle: UsageSample | undefined;
  try {
    const pooled = new Set((await kube.listNamespaces(benchRunSelector(`${POOL_LABELS.pool}=${levelId}`, `${POOL_LABELS.ready}=true`))).map((n) => n.name));
    idle = await sampleNamespaceUsage(kc, (ns) => pooled.has(ns));
    if (pooled.size > 0) result.perPooled = perNamespace(idle);
  } catch (err) {
    result.usageError = err instanceof Error ? err.message : String(err);
  }

  // Samplers: the server process and the API server, once a second while the class plays; the
  // learners' namespaces every 5 s once every learner has an environment.
  const pids = servers.map((s) => s.pid ?? 0);
  const first = serversSample(pids);
  const machineBefore = readMachineCpu();
  const t0 = Date.now();
  const ticksPerSecond = 100; // USER_HZ on Linux
  let sampling = true;
  let tick = 0;
  const samplers = (async () => {
    while (sampling) {
      if (tick++ % 5 === 0 && learnerNamespaces.size > 0 && result.start.length + result.brokenLearners.length >= learners) {
        try {
          usageSamples.push(await sampleNamespaceUsage(kc, (ns) => learnerNamespaces.has(ns)));
        } catch (err) {
          // A kubelet summary fails now and then (a container gone mid-read): the next sample counts.
          result.usageError = err instanceof Error ? err.message : String(err);
        }
      }
      const s = serversSample(pids);
      if (s) result.serverRssPeakMb = Math.max(result.serverRssPeakMb, s.rssMb);
      await notePool().catch(() => undefined);
      const a = performance.now();
      try {
        await kube.listNamespaces("app.kubernetes.io/managed-by=kubequest");
        result.apiLatency.push(performance.now() - a);
      } catch {
        // an API error during load shows up as a gap in the samples, not as a crash of the bench
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();

  const rounds = barrier(learners);
  const sockets: Client[] = [];
  const playOne = async (n: number) => {
    let arrived = 0;
    const socket = await sessionClient(base);
    sockets.push(socket);
    try {
      const s0 = performance.now();
      const ready = waitForReady(socket, levelId, 300_000);
      let status = await ask<EnvironmentStatus>(socket, "level:start", { levelId });
      if (status.phase !== "ready") status = await ready;
      else void ready.catch(() => undefined);
      const took = performance.now() - s0;
      result.start.push(took);
      starts.push({ namespace: status.namespace, ms: took });
      if (status.namespace) learnerNamespaces.add(status.namespace);

      await ask(socket, "yaml:recreate", { levelId, yaml: fixYaml, confirmed: true });
      const f0 = performance.now();
      for (;;) {
        const r = await ask<GradeFinished>(socket, "grade:run", { levelId, round: "main" });
        if (r.passed) break;
        if (performance.now() - f0 > SETTLE_LIMIT_MS) throw new Error(`the fix never passed within ${SETTLE_LIMIT_MS / 1000} s: ${failedCheckSummary(r)}`);
        await new Promise((res) => setTimeout(res, 2000));
      }
      result.settle.push(performance.now() - f0);

      for (let round = 1; round <= GRADE_ROUNDS; round++) {
        arrived++;
        await rounds.arrive(); // everyone presses "Check my work" at the same moment
        const g0 = performance.now();
        const r = await ask<GradeFinished>(socket, "grade:run", { levelId, round: "main" });
        result.grade.push(performance.now() - g0);
        for (const check of r.results) if (check.durationMs !== undefined) (result.gradeChecks[check.id] ??= []).push(check.durationMs);
        // "error": KubeQuest could not check (told to the learner as such, never as a fail).
        if (r.outcome === "error") result.couldNotCheck.push(`learner ${n}, round ${round}: ${failedCheckSummary(r)}`);
        else if (!r.passed) result.wrongVerdicts.push(`learner ${n}, round ${round}: ${failedCheckSummary(r)}`);
      }

      const c0 = performance.now();
      const chaosStartedAt = Date.now();
      const chaos = await ask<GradeFinished>(socket, "grade:run", { levelId, round: "chaos" });
      result.chaos.push(performance.now() - c0);
      if (chaosPod && status.namespace && chaos.passed) {
        const back = await core.readNamespacedPod({ name: chaosPod, namespace: status.namespace }).catch(() => undefined);
        const phases = back && podReturnPhases(chaosStartedAt, back);
        if (phases) for (const p of POD_RETURN_PHASES) result.chaosPhases[p].push(phases[p]);
      }
      for (const check of chaos.results) if (check.durationMs !== undefined) (result.chaosChecks[check.id] ??= []).push(check.durationMs);
      if (chaos.outcome === "error") result.chaosCouldNotCheck.push(`learner ${n}, chaos: ${failedCheckSummary(chaos)}`);
      else if (!chaos.passed) result.chaosFailures.push(`learner ${n}, chaos: ${failedCheckSummary(chaos)}`);
    } catch (err) {
      result.brokenLearners.push(`learner ${n}: ${err instanceof Error ? err.message : String(err)}`);
      // Do not hold the others at the barriers this learner will never reach again.
      if (arrived < GRADE_ROUNDS) rounds.leave();
    }
  };

  try {
    await notePool().catch(() => undefined);
    await Promise.all(Array.from({ length: learners }, (_, i) => playOne(i + 1)));
  } finally {
    sampling = false;
    await samplers;
    for (const s of starts) (s.namespace && everPooled.has(s.namespace) ? result.startPooled : result.startCold).push(s.ms);
    const last = serversSample(pids);
    const elapsedS = (Date.now() - t0) / 1000;
    if (first && last && elapsedS > 0) result.serverCpuMeanPct = ((last.ticks - first.ticks) / ticksPerSecond / elapsedS) * 100;
    const machineAfter = readMachineCpu();
    if (machineBefore && machineAfter) result.machine = machineCpuBetween(machineBefore, machineAfter, elapsedS, ticksPerSecond);
    result.perLearner = perEnvironmentCost(usageSamples);
    result.nodeCpu = nodeCpuOfClass(idle, usageSamples, learners);
    await Promise.all(sockets.map((s) => ask(s, "level:abandon", { levelId }).catch(() => undefined)));
    for (const s of sockets) s.close();
  }
  process.stdout.write(`  load: ${learners} learners on ${os.cpus().length} cores\n`);
  return result;
}
