/**
 * `npm run bench`: the speed targets of issue 3, measured on a warm cluster against a real
 * server (production build) and a real Chromium. Prints medians and p95 with the ratio to each
 * target, and writes bench/results/latest.json. Figures are noisy on a 2-core VM: compare
 * medians across runs, not single samples.
 *
 *   level start   Start click → environment ready and terminal attached   p50 ≤ 5 s
 *   grade         checks 1–8 on a fixed, passing environment               p50 ≤ 1 s, p95 ≤ 2 s
 *   keystroke     terminal key → its echo back in the browser's socket     p95 ≤ 30 ms
 *   roster        a learner's action → the change in their instructor's live roster
 *                 (`cohort:roster-row`): a hint opened (every roster learner), a level started
 *                 (request → row) and a grade (answer → row),
 *                 BENCH_ROSTER_PLAYERS of them (default 3)                 p95 ≤ 1 s each (issue 5)
 *   fork-loop     learner B's keystroke echo before and while learner A's toolbox forks at its
 *                 pod's process limit (fork-loop-bench.ts)                 p50 during ≤ max(250 ms, 5 × before)
 *   unreachable   `grade:installation` against a server whose cluster is down, until it says so
 *                 and exits 2 (unreachable-bench.ts; BENCH_UNREACHABLE_RUNS, default 1)   ≤ 120 s
 *   completion    YAML editor: keystroke → schema completion shown, the first on a fresh page and
 *                 the next ones (completion-bench.ts; BENCH_COMPLETION_PAGES, default 10,
 *                 × BENCH_COMPLETION_KEYS, default 20), and the schema's download size   p95 ≤ 100 ms
 *   live-check    a Service recreated → its live check's verdict on the learner's socket
 *                 (live-check-bench.ts; BENCH_LIVE_RUNS, default 10)      p95 ≤ 1 s
 *   load          BENCH_LOAD_LEARNERS learners at once (default 10): start, fix, grade ×3 together,
 *                 chaos (load-bench.ts)      0 wrong verdicts, grade p95 ≤ 2 s, chaos p95 ≤ 10 s,
 *                                            start p50 ≤ 1 s from the warm pool (≤ 5 s cold)
 *
 * The server's warm pool is BENCH_WARM_POOL, written as KUBEQUEST_WARM_POOL is (default: as
 * many as BENCH_LOAD_LEARNERS for the benched level, none for the others: what an operator whose
 * class plays one level sets), and every start section waits until every level's pool is full,
 * so its figures are starts from the pool on a server at rest; BENCH_WARM_POOL=0 measures cold
 * starts instead.
 *
 * These are the speed targets; the tests prove behaviour and order, never a time (issue 11).
 * The server runs on a throwaway database (tests/support/throwaway-database.ts): SQLite, or a
 * throwaway PostgreSQL with BENCH_DATABASE=postgres; never ./data or DATABASE_URL.
 *
 * BENCH_INSTANCES=N (default 1) runs the scaled-out deployment of the README instead: N server
 * processes on one throwaway PostgreSQL (so BENCH_DATABASE is postgres), each with its own
 * instance id and the same session secret, behind a sticky HAProxy on BENCH_PORT; every section
 * talks to the proxy, and the load section's RSS and CPU are the instances' sums.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import { SessionHttpClient } from "../lib/api-client/session-http-client";
import type { CohortSummary, RosterRowChanged } from "../lib/protocol/instructor-api";
import { clusterUp } from "../cluster-kit/cluster";
import { BENCH_RUN, benchRunSelector } from "./bench-run";
import { createKubeAdapter } from "../server/kubernetes/kube-client";
import type { KubeAdapter } from "../server/kubernetes/kube-adapter";
import { getLevelCatalog } from "../server/levels/level-catalog";
import { POOL_LABELS, poolSizeOf } from "../server/environments/warm-pool";
import { warmPoolFrom } from "../server/config/server-config";
import { parseDatabaseEngine, serverEnv, startThrowawayDatabase, type ThrowawayDatabase } from "../tests/support/throwaway-database";
import { startStickyProxy, type StickyProxy } from "../tests/integration/support/sticky-proxy";
import { benchCompletion } from "./completion-bench";
import { benchForkLoop } from "./fork-loop-bench";
import { benchLiveCheck } from "./live-check-bench";
import { benchLoad } from "./load-bench";
import type { UsageSample } from "./cluster-usage";
import { benchUnreachable } from "./unreachable-bench";
import { ask, percentile, sessionClient as connectLearner, type Client } from "./bench-client";

const LEVEL = "headless-statefulset-dns";
const PORT = Number(process.env.BENCH_PORT ?? 3200);
/** Server instances behind one load balancer (1: the single-machine default, no proxy). */
const INSTANCES = Math.max(1, Number(process.env.BENCH_INSTANCES ?? 1));
/** Where every section connects: the server, or the load balancer in front of the instances. */
const BASE = `http://127.0.0.1:${PORT}`;
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
/** Keystrokes sampled: a p95 needs more samples than a median to settle. */
const KEYSTROKES = Number(process.env.BENCH_KEYSTROKES ?? 200);
/** Run only some sections, e.g. BENCH_ONLY=grade,keystroke. */
const ONLY = new Set((process.env.BENCH_ONLY ?? "level-start,grade,keystroke,completion,live-check,roster,fork-loop,unreachable,load").split(","));
/** Fresh pages in the completion section, and keystrokes measured on each after its first. */
const COMPLETION_PAGES = Number(process.env.BENCH_COMPLETION_PAGES ?? 10);
const COMPLETION_KEYS = Number(process.env.BENCH_COMPLETION_KEYS ?? 20);
/** Service changes in the live-check section. */
const LIVE_RUNS = Number(process.env.BENCH_LIVE_RUNS ?? 10);
/** Learners playing at once in the load section. */
const LOAD_LEARNERS = Number(process.env.BENCH_LOAD_LEARNERS ?? 10);
/** Pre-started environments the server keeps per level (0: every start builds its own). */
const WARM_POOL_SETTING = process.env.BENCH_WARM_POOL ?? `${LEVEL}=${LOAD_LEARNERS}`;
// Read as the bench's servers read it: they run inside this bench's run (an empty setting keeps none).
const WARM_POOL = warmPoolFrom({ KUBEQUEST_WARM_POOL: WARM_POOL_SETTING, KUBEQUEST_TEST_RUN: BENCH_RUN });
/** Learners in the roster benchmark's cohort; each opens every hint of Level 30 once. */
const ROSTER_LEARNERS = Number(process.env.BENCH_ROSTER_LEARNERS ?? 10);
/** Of those, how many also start the level and grade it (each builds an environment). */
const ROSTER_PLAYERS = Number(process.env.BENCH_ROSTER_PLAYERS ?? 3);
const UNREACHABLE_RUNS = Number(process.env.BENCH_UNREACHABLE_RUNS ?? 1);
/** The bench server's throwaway database (made in main). */
let database: ThrowawayDatabase | undefined;

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // With the bench server's database, for the operator's commands (create-instructor).
    const env = database ? serverEnv(database) : process.env;
    const child = spawn(cmd, args, { stdio: "inherit", env: { ...env, NEXT_TELEMETRY_DISABLED: "1" } });
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code}`))));
  });
}

/** The bench's servers: their processes (for RSS and CPU) and how to stop them all. */
interface BenchServers {
  processes: ChildProcess[];
  stop(): Promise<void>;
}

function startInstance(env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  // node --import tsx: the server is this child itself, so killing it leaves no orphan behind.
  const server = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    env: { ...env, PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production", KUBEQUEST_WARM_POOL: WARM_POOL_SETTING },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise<ChildProcess>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server on port ${port} did not start within 60 s`)), 60_000);
    server.once("exit", (code) => reject(new Error(`the server on port ${port} exited (${code}) before it was ready`)));
    // BENCH_SERVER_LOG=<file>: keep what the server logs (pino JSON lines), to explain a result.
    const logFile = process.env.BENCH_SERVER_LOG ? createWriteStream(`${process.env.BENCH_SERVER_LOG}.${port}`, { flags: "a" }) : undefined;
    server.stdout!.on("data", (chunk: Buffer) => {
      logFile?.write(chunk);
      if (chunk.toString().includes("KubeQuest ready")) {
        clearTimeout(timer);
        resolve(server);
      }
    });
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

async function startServers(): Promise<BenchServers> {
  if (!existsSync(".next/BUILD_ID")) await run("npx", ["next", "build"]);
  // Several instances share their state through PostgreSQL only (SQLite is one process's).
  const engine = INSTANCES > 1 ? "postgres" : parseDatabaseEngine(process.env.BENCH_DATABASE);
  database = await startThrowawayDatabase(engine, { prefix: "kq-bench-" });
  console.log(`bench server database: a throwaway ${database.engine} (${database.databaseUrl ?? database.dataDir})`);
  if (INSTANCES === 1) {
    const server = await startInstance(serverEnv(database), PORT);
    return { processes: [server], stop: () => stopProcess(server) };
  }
  // The README's scaled-out deployment: one secret, an id each, a sticky proxy in front.
  const secret = randomBytes(32).toString("hex");
  const processes: ChildProcess[] = [];
  let proxy: StickyProxy | undefined;
  const stop = async () => {
    await proxy?.stop();
    await Promise.all(processes.map(stopProcess));
  };
  try {
    for (let i = 1; i <= INSTANCES; i++) {
      const env = { ...serverEnv(database), KUBEQUEST_SESSION_SECRET: secret, KUBEQUEST_INSTANCE_ID: `bench-${i}` };
      processes.push(await startInstance(env, PORT + 10 + i));
    }
    proxy = await startStickyProxy(
      processes.map((_, i) => ({ name: `bench-${i + 1}`, url: `http://127.0.0.1:${PORT + 11 + i}` })),
      { port: PORT },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  console.log(`${INSTANCES} instances on ports ${PORT + 11}–${PORT + 10 + INSTANCES} behind HAProxy on ${PORT}`);
  return { processes, stop };
}

const sessionClient = (existingCookie?: string): Promise<Client> => connectLearner(BASE, existingCookie);

/**
 * Deletes the environments this run's servers made, so every run meets the same cluster; the
 * warm pool's own namespaces stay until the end (`pool: true`), or the pool would never fill.
 */
async function deleteRunEnvironments(kube: KubeAdapter, wait: boolean, opts: { pool?: boolean } = {}): Promise<void> {
  const created = (await kube.listNamespaces(benchRunSelector())).filter((n) => opts.pool || !(POOL_LABELS.pool in n.labels));
  await Promise.all(created.map((n) => kube.deleteNamespace(n.name, { wait }).catch(() => undefined)));
}

/** The benched level's pool under BENCH_WARM_POOL. */
async function levelPool(): Promise<number> {
  return poolSizeOf(WARM_POOL, (await getLevelCatalog()).get(LEVEL)!);
}

/**
 * Waits until every level's pool is full (the benched level's up to `cap`): a class then meets
 * a server at rest, not one still building another level's pool beside it.
 */
export async function waitForWarmPool(kube: KubeAdapter, cap: number, timeoutMs = 15 * 60_000): Promise<void> {
  const wanted = (await getLevelCatalog())
    .list()
    .map((l) => ({ id: l.manifest.id, size: l.manifest.id === LEVEL ? Math.min(cap, poolSizeOf(WARM_POOL, l)) : poolSizeOf(WARM_POOL, l) }))
    .filter((l) => l.size > 0);
  if (wanted.length === 0) return;
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    const ready = await Promise.all(
      wanted.map(async (l) => (await kube.listNamespaces(benchRunSelector(`${POOL_LABELS.pool}=${l.id}`, `${POOL_LABELS.ready}=true`))).filter((n) => !n.deleting).length),
    );
    const line = wanted.map((l, i) => `${l.id} ${ready[i]}/${l.size}`).join(", ");
    if (line !== last) process.stdout.write(`  warm pool ready: ${line}\n`);
    last = line;
    if (wanted.every((l, i) => ready[i]! >= l.size)) return;
    if (Date.now() > deadline) throw new Error(`the warm pool held ${line} after ${timeoutMs / 60_000} min`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** Click → environment ready and terminal attached (`total`), and its first part, click → ready. */
async function benchLevelStart(kube: KubeAdapter): Promise<{ total: number[]; ready: number[] }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const samples: number[] = [];
  const ready: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      await waitForWarmPool(kube, 1);
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } }); // a new learner each time
      const page = await context.newPage();
      await page.goto(`${BASE}/levels/${LEVEL}`);
      await page.getByTestId("start-level").waitFor();
      const t0 = Date.now();
      await page.getByTestId("start-level").click();
      await page.locator('[data-testid="env-status"][data-phase="ready"]').waitFor({ timeout: 120_000 });
      ready.push(Date.now() - t0);
      await page.locator('[data-testid="terminal"][data-status="attached"]').waitFor({ timeout: 60_000 });
      samples.push(Date.now() - t0);
      process.stdout.write(`  level start ${i + 1}/${RUNS}: ${samples.at(-1)} ms (ready after ${ready.at(-1)} ms)\n`);
      await context.close();
      await deleteRunEnvironments(kube, true);
    }
  } finally {
    await browser.close();
  }
  return { total: samples, ready };
}

async function benchGradeAndKeystrokes(): Promise<{ grade: number[]; keystroke: number[] }> {
  const socket = await sessionClient();
  try {
    await ask(socket, "level:start", { levelId: LEVEL });
    const level = (await getLevelCatalog()).get(LEVEL)!;
    const solution = level.manifest.solution.find((s) => s.action === "recreate")!;
    const { readFileSync } = await import("node:fs");
    const yaml = readFileSync(path.join(level.dir, solution.file), "utf8");
    await ask(socket, "yaml:recreate", { levelId: LEVEL, yaml, confirmed: true });
    // Let the fixed environment settle: grade until it passes once.
    for (let tries = 0; ; tries++) {
      const r = await ask<{ passed: boolean }>(socket, "grade:run", { levelId: LEVEL, round: "main" });
      if (r.passed) break;
      if (tries > 20) throw new Error("the solution never passed");
      await new Promise((res) => setTimeout(res, 2000));
    }
    const grade: number[] = [];
    // One grade a second at most: a session may make 10 limited requests per 10 s, and a grade
    // now answers in a fraction of a second (the pause is not part of what is measured).
    let lastStart = 0;
    for (let i = 0; i < Math.max(RUNS, 12); i++) {
      await new Promise((res) => setTimeout(res, Math.max(0, lastStart + 1100 - performance.now())));
      lastStart = performance.now();
      const t0 = performance.now();
      const r = await ask<{ passed: boolean }>(socket, "grade:run", { levelId: LEVEL, round: "main" });
      grade.push(performance.now() - t0);
      if (!r.passed) throw new Error("a grade of the fixed environment failed");
    }
    process.stdout.write(`  grade: ${grade.length} runs\n`);

    let screen = "";
    let acked = 0;
    socket.on("terminal:output", (chunk) => {
      screen += chunk.data;
      acked += chunk.bytes;
      socket.emit("terminal:ack", { bytes: acked });
    });
    await ask(socket, "terminal:open", { levelId: LEVEL, cols: 120, rows: 30 });
    await new Promise((r) => setTimeout(r, 1500)); // prompt drawn
    const keystroke: number[] = [];
    const letters = "abcdefghijklmnopqrstuvwxyz";
    for (let i = 0; i < KEYSTROKES; i++) {
      const key = letters[i % letters.length]!;
      screen = "";
      const t0 = performance.now();
      socket.emit("terminal:input", { data: key });
      while (!screen.includes(key)) {
        if (performance.now() - t0 > 10_000) throw new Error(`no echo of "${key}" within 10 s`);
        await new Promise((r) => setImmediate(r));
      }
      keystroke.push(performance.now() - t0);
      if (i % 20 === 19) socket.emit("terminal:input", { data: "\u0015" }); // Ctrl+U clears the line
      await new Promise((r) => setTimeout(r, 20));
    }
    return { grade, keystroke };
  } finally {
    socket.close();
  }
}

/** A signed-up account, as a browser would make it. */
async function signUp(username: string, displayName: string): Promise<SessionHttpClient> {
  const api = new SessionHttpClient(BASE);
  await api.call("GET", "/api/session");
  const res = await api.call("POST", "/api/auth/sign-up", { username, password: "bench password 1234", displayName });
  if (res.status !== 201) throw new Error(`sign-up of ${username}: ${res.json.error?.message ?? res.status}`);
  return api;
}

/**
 * An instructor watches a cohort's roster while its learners open hints: the time from a
 * learner's `hint:open` to the instructor's socket receiving that learner's updated row. No
 * cluster work is involved, so this measures the dashboard's own path (database, notifier,
 * access check per send, socket.io).
 */
async function benchRoster(): Promise<{ hint: number[]; start: number[]; grade: number[] }> {
  const tag = Date.now().toString(36);
  const instructor = await signUp(`bench-teacher-${tag}`, "Bench Teacher");
  await run("npx", ["tsx", "scripts/create-instructor.ts", `bench-teacher-${tag}`]);
  const cohort = await instructor.call<CohortSummary>("POST", "/api/cohorts", { name: `Bench ${tag}` });
  if (cohort.status !== 201) throw new Error(`creating a cohort: ${cohort.json.error?.message ?? cohort.status}`);
  const watcher = await sessionClient(instructor.cookie);
  const rows: RosterRowChanged[] = [];
  watcher.on("cohort:roster-row", (changed) => rows.push(changed));
  await ask(watcher, "cohort:watch", { cohortId: cohort.json.id });
  const hints = (await getLevelCatalog()).get(LEVEL)!.manifest.hints.length;
  const samples: number[] = [];
  const start: number[] = [];
  const grade: number[] = [];
  /** Waits for a roster row matching `seen`; the time it arrived (performance.now()). */
  const rowArrival = async (seen: (r: RosterRowChanged) => boolean, since: number): Promise<number> => {
    for (;;) {
      const found = rows.find((r) => seen(r));
      if (found) return arrivals.get(found)!;
      if (performance.now() - since > 120_000) throw new Error("no roster update within 120 s");
      await new Promise((r) => setImmediate(r));
    }
  };
  const arrivals = new Map<RosterRowChanged, number>();
  watcher.on("cohort:roster-row", (changed) => arrivals.set(changed, performance.now()));
  try {
    for (let i = 0; i < ROSTER_LEARNERS; i++) {
      const learner = await signUp(`bench-learner-${tag}-${i}`, `Learner ${i}`);
      const joined = await learner.call("POST", "/api/cohorts/join", { code: cohort.json.inviteCode });
      if (joined.status !== 200) throw new Error(`joining the cohort: ${joined.json.error?.message ?? joined.status}`);
      const socket = await sessionClient(learner.cookie);
      try {
        for (let hint = 0; hint < hints; hint++) {
          const seen = (r: RosterRowChanged) => r.row.hintsOpened === hint + 1 && r.row.username === `bench-learner-${tag}-${i}`;
          rows.length = 0;
          const t0 = performance.now();
          await ask(socket, "hint:open", { levelId: LEVEL, index: hint });
          while (!rows.some(seen)) {
            if (performance.now() - t0 > 10_000) throw new Error("no roster update within 10 s");
            await new Promise((r) => setImmediate(r));
          }
          samples.push(performance.now() - t0);
        }
        if (i < ROSTER_PLAYERS) {
          // A level start shows as soon as it is asked for, long before the environment is ready.
          const mine = (r: RosterRowChanged) => r.row.username === `bench-learner-${tag}-${i}`;
          rows.length = 0;
          const asked = performance.now();
          const started = ask(socket, "level:start", { levelId: LEVEL });
          start.push((await rowArrival((r) => mine(r) && r.row.levelId === LEVEL && r.row.state === "in-progress", asked)) - asked);
          await started;
          // A grade (of the broken start: it fails at its first check) shows once it is answered.
          rows.length = 0;
          await ask(socket, "grade:run", { levelId: LEVEL, round: "main" });
          const answered = performance.now();
          grade.push((await rowArrival((r) => mine(r) && r.row.attempts === 1 && r.row.latestGrade !== null, answered)) - answered);
          await ask(socket, "level:abandon", { levelId: LEVEL }).catch(() => undefined);
        }
      } finally {
        socket.close();
      }
    }
    process.stdout.write(`  roster: ${samples.length} hint updates from ${ROSTER_LEARNERS} learners, ${start.length} starts and ${grade.length} grades\n`);
    return { hint: samples, start, grade };
  } finally {
    watcher.close();
  }
}

function report(name: string, samples: number[], targets: { p50?: number; p95?: number }, unit = "ms") {
  const p50 = percentile(samples, 50);
  const p95 = percentile(samples, 95);
  const fmt = (v: number) => (unit === "s" ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);
  const verdict = (v: number, t?: number) => (t === undefined ? "" : ` (target ${fmt(t)}, ${(v / t).toFixed(2)}× ${v <= t ? "✓" : "✗"})`);
  console.log(`${name.padEnd(12)} n=${String(samples.length).padEnd(3)} p50 ${fmt(p50)}${verdict(p50, targets.p50)}   p95 ${fmt(p95)}${verdict(p95, targets.p95)}`);
  return { name, n: samples.length, p50, p95, targets, met: (targets.p50 === undefined || p50 <= targets.p50) && (targets.p95 === undefined || p95 <= targets.p95) };
}

async function main(): Promise<void> {
  await clusterUp();
  const kube = createKubeAdapter();
  const servers = await startServers();
  try {
    const through = INSTANCES > 1 ? `, ${INSTANCES} instances behind a sticky proxy` : "";
    const pooled = (await levelPool()) > 0;
    console.log(`\nbenchmarking against ${BASE} (${RUNS} runs, warm pool "${WARM_POOL_SETTING}"${pooled ? "" : ": cold starts"}${through})`);
    const start = ONLY.has("level-start") ? await benchLevelStart(kube) : { total: [], ready: [] };
    const { grade, keystroke } =
      ONLY.has("grade") || ONLY.has("keystroke") ? await benchGradeAndKeystrokes() : { grade: [], keystroke: [] };
    const completion = ONLY.has("completion") ? await benchCompletion(BASE, LEVEL, COMPLETION_PAGES, COMPLETION_KEYS) : undefined;
    const liveCheck = ONLY.has("live-check") ? await benchLiveCheck(BASE, LEVEL, LIVE_RUNS) : [];
    const roster = ONLY.has("roster") ? await benchRoster() : { hint: [], start: [], grade: [] };
    const forkLoop = ONLY.has("fork-loop") ? await benchForkLoop(BASE, LEVEL, kube) : undefined;
    const unreachable = ONLY.has("unreachable") ? await benchUnreachable(PORT + 1, UNREACHABLE_RUNS) : [];
    if (ONLY.has("load")) await waitForWarmPool(kube, LOAD_LEARNERS);
    const load = ONLY.has("load") ? await benchLoad(BASE, LEVEL, LOAD_LEARNERS, servers.processes, kube) : undefined;
    console.log("\nresults");
    const results = [
      ONLY.has("level-start") && report(pooled ? "level start (pool)" : "level start (cold)", start.total, { p50: pooled ? 1000 : 5000 }, "s"),
      ONLY.has("level-start") && report("  of which until ready", start.ready, {}, "s"),
      ONLY.has("grade") && report("grade", grade, { p50: 1000, p95: 2000 }),
      ONLY.has("keystroke") && report("keystroke", keystroke, { p95: 30 }),
      completion && report("completion (first)", completion.first, { p95: 100 }),
      completion && report("completion", completion.warm, { p95: 100 }),
      ONLY.has("live-check") && report("live check", liveCheck, { p95: 1000 }),
      ONLY.has("roster") && report("roster hint", roster.hint, { p95: 1000 }),
      ONLY.has("roster") && report("roster start", roster.start, { p95: 1000 }),
      ONLY.has("roster") && report("roster grade", roster.grade, { p95: 1000 }),
      forkLoop && report("echo before", forkLoop.before, {}),
      forkLoop && report("echo in fork", forkLoop.during, { p50: Math.max(250, 5 * percentile(forkLoop.before, 50)) }),
      ONLY.has("unreachable") && report("unreachable", unreachable, { p50: 120_000, p95: 120_000 }, "s"),
      // Issue 12's targets: p50 ≤ 1 s for a start from the pool, ≤ 5 s for a cold one (the pool
      // empty). With fewer pooled environments than learners both kinds happen in one run, and
      // a p50 over all of them would straddle the two.
      load && load.startPooled.length > 0 && report(`load start (from the pool)`, load.startPooled, { p50: 1000 }, "s"),
      load && load.startCold.length > 0 && report(`load start (cold: ${pooled ? "the pool empty" : "no pool"})`, load.startCold, { p50: 5000 }, "s"),
      load && report(`load settle`, load.settle, {}, "s"),
      load && report(`load grade`, load.grade, { p95: 2000 }),
      ...(load ? Object.entries(load.gradeChecks).map(([id, ms]) => report(`  check ${id}`, ms, {})) : []),
      load && report(`load chaos`, load.chaos, { p95: 10_000 }, "s"),
      ...(load ? Object.entries(load.chaosChecks).map(([id, ms]) => report(`  chaos check ${id}`, ms, {})) : []),
      // chaos-pod-replaced split by the new pod's own record (bench/pod-return-phases.ts).
      ...(load && load.chaosPhases.ready.length > 0 ? Object.entries(load.chaosPhases).map(([phase, ms]) => report(`    pod back: ${phase}`, ms, {}, "s")) : []),
      load && report(`api latency`, load.apiLatency, {}),
    ].filter((r) => r !== false && r !== undefined);
    if (completion) {
      console.log(`schema       GET /api/editor-schema/${LEVEL}: ${completion.schemaBytes} bytes, ${completion.schemaGzipBytes} gzipped`);
      console.log(
        `warm-up      completion warm-up done after the schema's arrival: p50 ${percentile(completion.warmUp, 50).toFixed(0)} ms, p95 ${percentile(completion.warmUp, 95).toFixed(0)} ms (n=${completion.warmUp.length})`,
      );
    }
    if (load) {
      console.log(
        `load         ${load.learners} learners: ${load.wrongVerdicts.length} wrong verdicts (target 0), ${load.couldNotCheck.length} "could not check"; ` +
          `chaos rounds: ${load.chaosFailures.length} failed a correct fix (target 0), ${load.chaosCouldNotCheck.length} "could not check"; ` +
          `${load.brokenLearners.length} learners who could not play; server RSS peak ${load.serverRssPeakMb.toFixed(0)} MB, CPU mean ${load.serverCpuMeanPct.toFixed(0)} %`,
      );
      for (const line of [...load.wrongVerdicts, ...load.couldNotCheck, ...load.chaosFailures, ...load.chaosCouldNotCheck, ...load.brokenLearners]) console.log(`  ✗ ${line}`);
      // Sizing a cluster: what one environment costs, playing and idle in the pool.
      const cost = (label: string, u: UsageSample | undefined) =>
        u &&
        console.log(
          `${label} ${u.pods.toFixed(1)} pods, CPU ${u.cpuMilli.toFixed(0)}m in use (${u.requestsCpuMilli.toFixed(0)}m requested), ` +
            `memory ${u.memoryMb.toFixed(0)} MiB in use (${u.requestsMemoryMb.toFixed(0)} MiB requested)`,
        );
      cost("per learner ", load.perLearner);
      cost("per pooled  ", load.perPooled);
      if (load.nodeCpu) {
        const n = load.nodeCpu;
        console.log(
          `node CPU     ${n.idleMilli.toFixed(0)}m before the class (pool idle), ${n.classMilli.toFixed(0)}m while it played (outside every pod, the kubelet and the runtime: ${n.outsidePodsMilli.toFixed(0)}m): ` +
            `${n.perLearnerMilli.toFixed(0)}m added per learner, everything included`,
        );
      }
      console.log(`server/learner ${(load.serverRssPeakMb / load.learners).toFixed(1)} MB of the server's RSS peak`);
      if (load.machine) {
        const m = load.machine;
        // The hypervisor's share: a run with much steal is slow for a reason outside KubeQuest.
        console.log(
          `machine      ${os.cpus().length} cores, ${m.busyMilli}m busy while the class played; steal ${m.stealMilli}m (${m.stealPct} %)` +
            (m.stealPct >= 5 ? ": the hypervisor took a noticeable share, so every time above is slower than this machine alone would give" : ""),
        );
      }
      if (load.usageError) console.log(`  (a read of the nodes' usage failed${load.perLearner ? " at least once" : ""}: ${load.usageError.split("\n")[0]})`);
      results.push({
        name: "load verdicts",
        n: load.grade.length,
        p50: load.wrongVerdicts.length,
        p95: load.wrongVerdicts.length,
        targets: { p50: 0, p95: 0 },
        met: load.wrongVerdicts.length === 0 && load.brokenLearners.length === 0,
      });
    }
    mkdirSync("bench/results", { recursive: true });
    const schema = completion
      ? { bytes: completion.schemaBytes, gzipBytes: completion.schemaGzipBytes, warmUpAfterSchemaMs: { p50: percentile(completion.warmUp, 50), p95: percentile(completion.warmUp, 95) } }
      : undefined;
    writeFileSync("bench/results/latest.json", JSON.stringify({ at: new Date().toISOString(), instances: INSTANCES, results, schema, load }, null, 2));
    if (results.some((r) => !r.met)) process.exitCode = 1;
  } finally {
    await servers.stop();
    await database?.remove();
    await deleteRunEnvironments(kube, false, { pool: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
