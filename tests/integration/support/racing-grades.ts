/**
 * A real race for the exactly-once XP award: several processes, each with its own database
 * connection (grade-in-child.ts), record a passing grade of the same learner's level at the same
 * moment. Every racer connects first and announces it; then all are released together. A
 * single process with one connection would serialise the recordings (SQLite's driver runs one
 * statement at a time) and prove nothing about two servers, or two tabs served by two
 * instances, writing at once.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { DatabaseConfig } from "../../../server/database/database";
import type { GradeRecordOutcome, LevelRules } from "../../../server/database/progress-store";

export interface RaceOptions {
  racers: number;
  learnerId: string;
  rules: LevelRules;
  round: "main" | "chaos";
  config: DatabaseConfig;
}

/** The environment that makes a child use `config`'s database (an inherited DATABASE_URL removed for SQLite). */
export function childDatabaseEnv(config: DatabaseConfig, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { DATABASE_URL: _inherited, ...env } = process.env;
  return { ...env, KUBEQUEST_DATA_DIR: config.dataDir, ...(config.databaseUrl ? { DATABASE_URL: config.databaseUrl } : {}), ...extra };
}

/** Runs the race; resolves with every racer's outcome (in the order they were started). */
export async function raceGradesInProcesses(opts: RaceOptions): Promise<GradeRecordOutcome[]> {
  const env = childDatabaseEnv(opts.config, { KQ_WAIT_FOR_GO: "1" });
  const children: ChildProcess[] = [];
  const script = path.join(__dirname, "grade-in-child.ts");
  try {
    const racers = Array.from({ length: opts.racers }, () => {
      const child = spawn(process.execPath, ["--import", "tsx", script, opts.learnerId, JSON.stringify(opts.rules), opts.round], {
        env,
        stdio: ["pipe", "pipe", "inherit"],
      });
      children.push(child);
      let stdout = "";
      let markReady!: () => void;
      const ready = new Promise<void>((resolve) => (markReady = resolve));
      const outcome = new Promise<GradeRecordOutcome>((resolve, reject) => {
        child.stdout!.on("data", (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes("KQ-READY")) markReady();
        });
        child.once("error", reject);
        child.once("exit", (code) => {
          const json = /KQ-OUTCOME (.*)/.exec(stdout)?.[1];
          if (code === 0 && json) resolve(JSON.parse(json) as GradeRecordOutcome);
          else reject(new Error(`a racing process exited with ${code}: ${stdout}`));
        });
      });
      // A racer that dies before it is ready must not leave the others waiting for it.
      return { child, ready: Promise.race([ready, outcome.then(() => undefined)]), outcome };
    });
    await Promise.all(racers.map((r) => r.ready));
    for (const r of racers) r.child.stdin!.write("go\n");
    return await Promise.all(racers.map((r) => r.outcome));
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}
