/**
 * `npm run levels:verify`: proves against the real cluster, in a real browser, that every
 * level's grader is right. For each level, as a new learner:
 *
 *   start it                       → ready
 *   grade the broken state         → must fail
 *   each declared wrong fix        → Reset, play its steps, grade: must fail at its `failsAt` check
 *   the solution                   → Reset, play its steps, watch the live view heal, grade: must pass
 *   grade again                    → must still pass
 *   the chaos round                → must pass (it deletes the pod the level names: Level 30's primary)
 *
 * Start, grade and Reset are the page's buttons; apply/recreate steps go through the YAML
 * editor; exec, delete and waitRollout steps are typed into the learner's terminal (kubectl
 * exec / delete / rollout status), waitReady watches the live view (see scripts/grading-run/play-level.ts).
 *
 * Starts its own production server on a free port or LEVELS_VERIFY_PORT (the levels come from KUBEQUEST_LEVELS_DIR,
 * or ./levels), unless --url names one already running. That server gets a throwaway data directory and
 * database (tests/support/throwaway-database.ts), never ./data or DATABASE_URL: SQLite by default,
 * a throwaway PostgreSQL with --database postgres. Prints a table per level, scenario and
 * check with timings, writes a JSON report (--report, default test-results/levels-verify.json)
 * and keeps traces and screenshots of failures next to it. Exits 1 naming the level, the
 * scenario and the check when anything is not as declared.
 *
 *   npm run levels:verify [-- --level <id or number>] [--scenarios broken,wrong-fix,solution,regrade,chaos] [--database sqlite|postgres] [--url http://…]
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import { clusterForTests } from "../cluster-kit/cluster";
import { createKubeAdapter } from "../server/kubernetes/kube-client";
import { loadLevelCatalog } from "../server/levels/level-catalog";
import { printRun, writeReport, type GradingRunReport } from "./grading-run/grading-report";
import { finishLearner, launchChromium, newLearner } from "./grading-run/learner-browser";
import { abandonLevel } from "../e2e/support/environment-cleanup";
import { ALL_SCENARIO_KINDS, levelSelected } from "./grading-run/planned-scenarios";
import { playLevel, type LevelReport, type ScenarioKind } from "./grading-run/play-level";
import { ensureTestRunId } from "../tests/support/test-run-id";
import { deleteTestRunNamespaces } from "../tests/support/test-run-namespaces";
import { parseDatabaseEngine, serverEnv, startThrowawayDatabase, type ThrowawayDatabase } from "../tests/support/throwaway-database";

const MANAGED = "app.kubernetes.io/managed-by=kubequest";
const ALL_SCENARIOS: readonly ScenarioKind[] = ALL_SCENARIO_KINDS;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The production server, like `npm start` runs it; resolves once it says it is ready. */
async function startServer(port: number, db: ThrowawayDatabase): Promise<ChildProcess> {
  if (!existsSync(".next/BUILD_ID")) throw new Error("there is no production build: run npx next build (or npm start once) first");
  const server = spawn("npx", ["tsx", "server/main.ts"], {
    // Every scenario on an environment built for it (the warm pool has its own test).
    env: { ...serverEnv(db), PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", KUBEQUEST_WARM_POOL: process.env.KUBEQUEST_WARM_POOL ?? "0" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within 90 s:\n${output}`)), 90_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes("KubeQuest ready")) {
        clearTimeout(timer);
        resolve();
      }
    };
    server.stdout!.on("data", onData);
    server.stderr!.on("data", onData);
    server.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${output}`));
    });
  });
  return server;
}

/** Stops the server and resolves once it exited (its database is deleted next). */
async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  // npx → tsx → node: stop the whole process group this script started.
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-server.pid!, sig);
    } catch {
      server.kill(sig);
    }
  };
  signal("SIGTERM");
  // The server gives itself 5 s to shut down; past 15 s it is killed.
  const killer = setTimeout(() => signal("SIGKILL"), 15_000);
  await exited;
  clearTimeout(killer);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      url: { type: "string" },
      level: { type: "string", multiple: true },
      scenarios: { type: "string" },
      report: { type: "string", default: path.join("test-results", "levels-verify.json") },
      database: { type: "string", default: "sqlite" },
    },
  });
  const engine = parseDatabaseEngine(values.database);
  const scenarios = new Set((values.scenarios?.split(",") ?? ALL_SCENARIOS).map((s) => s.trim()) as ScenarioKind[]);
  for (const s of scenarios) if (!ALL_SCENARIOS.includes(s)) throw new Error(`unknown scenario "${s}" (known: ${ALL_SCENARIOS.join(", ")})`);
  const reportFile = path.resolve(values.report);
  const artifactsDir = path.join(path.dirname(reportFile), "levels-verify-artifacts");
  mkdirSync(artifactsDir, { recursive: true });

  const levelsDir = process.env.KUBEQUEST_LEVELS_DIR ?? path.join(process.cwd(), "levels");
  const catalog = await loadLevelCatalog(levelsDir);
  const levels = catalog.list().filter((l) => levelSelected(l.manifest, values.level));
  if (levels.length === 0) throw new Error(`no level to verify in ${levelsDir}${values.level ? ` named ${values.level.join(", ")}` : ""}`);

  await clusterForTests();
  const kube = createKubeAdapter();
  const before = new Set((await kube.listNamespaces(MANAGED)).map((n) => n.name));
  // Our own server labels every environment it creates with this run's id, so the clean-up
  // below deletes exactly those, never an environment someone else created meanwhile.
  const runId = values.url ? undefined : ensureTestRunId("verify");
  const started = Date.now();
  let server: ChildProcess | undefined;
  let db: ThrowawayDatabase | undefined;
  const results: LevelReport[] = [];
  let baseURL = values.url;
  try {
    if (!baseURL) {
      // LEVELS_VERIFY_PORT pins the port (e.g. to stay clear of other servers on a shared machine).
      const port = Number(process.env.LEVELS_VERIFY_PORT) || (await freePort());
      db = await startThrowawayDatabase(engine, { prefix: "kq-verify-" });
      console.log(`starting the server on port ${port} (levels from ${levelsDir}, a throwaway ${engine === "postgres" ? "PostgreSQL" : "SQLite"} database in ${db.dataDir})`);
      server = await startServer(port, db);
      baseURL = `http://127.0.0.1:${port}`;
    }
    console.log(`verifying ${levels.length} level(s) against ${baseURL}: ${[...scenarios].join(", ")}`);
    const browser = await launchChromium();
    try {
      for (const level of levels) {
        const context = await newLearner(browser, baseURL);
        const report = await playLevel(context, level, { baseURL, scenarios, artifactsDir, log: (l) => console.log(l) });
        await abandonLevel(context, baseURL, level.manifest.id).catch((err: unknown) => console.warn(`  cleanup of ${level.manifest.id}: ${(err as Error).message}`));
        report.trace = await finishLearner(context, report.ok ? null : artifactsDir, level.manifest.id);
        results.push(report);
      }
    } finally {
      await browser.close();
    }
  } finally {
    if (server) await stopServer(server);
    await db?.remove().catch((err: unknown) => console.warn(`  removing the throwaway database: ${(err as Error).message}`));
    // Whatever the run created and did not abandon (e.g. after a crash) goes too: by label when
    // the server was ours; against a server given by --url, what appeared during the run.
    if (runId) {
      await deleteTestRunNamespaces(runId).catch((err: unknown) => console.warn(`  clean-up by label ${runId}: ${(err as Error).message}`));
    } else {
      const created = (await kube.listNamespaces(MANAGED).catch(() => [])).filter((n) => !before.has(n.name) && !n.deleting);
      await Promise.all(created.map((n) => kube.deleteNamespace(n.name).catch(() => undefined)));
    }
  }

  const report: GradingRunReport = {
    kind: "levels-verify",
    url: baseURL,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    ok: results.every((r) => r.ok),
    levels: results,
  };
  return printRun(report, writeReport(reportFile, report));
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`✗ levels:verify could not run: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
