/**
 * Records one grade in a process of its own, with its own database connection, as a server
 * process would: so a test can SIGKILL it at the crash point between the grade and the award
 * (KUBEQUEST_TEST_CRASH_POINT), or run several at the same moment to race them for real
 * (racing-grades.ts). The database comes from DATABASE_URL or KUBEQUEST_DATA_DIR, as for the
 * server. Prints the outcome as JSON.
 *
 * argv: <learner id> <level rules as JSON> [main|chaos]
 * With KQ_WAIT_FOR_GO=1 it opens the database, prints `KQ-READY` and waits for a line `go` on
 * stdin before recording, so every racer is connected before any starts.
 */
import readline from "node:readline";
import { readServerConfig } from "../../../server/config/server-config";
import { openDatabase } from "../../../server/database/database";
import { ProgressStore, type LevelRules } from "../../../server/database/progress-store";

async function main(): Promise<void> {
  const [learnerId, rulesJson, round = "main"] = process.argv.slice(2);
  if (!learnerId || !rulesJson || (round !== "main" && round !== "chaos")) throw new Error("usage: grade-in-child <learner id> <rules json> [main|chaos]");
  const rules = JSON.parse(rulesJson) as LevelRules;
  const config = readServerConfig();
  const handle = await openDatabase(config.storage);
  const store = new ProgressStore(handle.db, () => new Map([[rules.world, [rules.levelId]]]), undefined, config.testCrashPoint);
  if (process.env.KQ_WAIT_FOR_GO === "1") {
    // A cheap query first, so the connection is open (PostgreSQL's pool connects lazily).
    await store.learnerXp(learnerId);
    const lines = readline.createInterface({ input: process.stdin });
    const go = new Promise<void>((resolve) => lines.on("line", (line) => line.trim() === "go" && resolve()));
    process.stdout.write("KQ-READY\n");
    await go;
    lines.close();
  }
  const outcome = await store.recordGrade(learnerId, rules, { round, passed: true, results: [], durationMs: 1 });
  process.stdout.write(`KQ-OUTCOME ${JSON.stringify(outcome)}\n`);
  await handle.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
