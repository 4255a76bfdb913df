/**
 * Records one passing main grade in a process of its own, so a test can SIGKILL it at the
 * crash point between the grade and the award (KUBEQUEST_TEST_CRASH_POINT). The database
 * comes from DATABASE_URL or KUBEQUEST_DATA_DIR, as for the server. Prints the outcome as JSON.
 *
 * argv: <learner id> <level rules as JSON>
 */
import { readServerConfig } from "../../../server/config/server-config";
import { openDatabase } from "../../../server/database/database";
import { ProgressStore, type LevelRules } from "../../../server/database/progress-store";

async function main(): Promise<void> {
  const [learnerId, rulesJson] = process.argv.slice(2);
  if (!learnerId || !rulesJson) throw new Error("usage: grade-in-child <learner id> <rules json>");
  const rules = JSON.parse(rulesJson) as LevelRules;
  const config = readServerConfig();
  const handle = await openDatabase(config.storage);
  const store = new ProgressStore(handle.db, () => new Map([[rules.world, [rules.levelId]]]), undefined, config.testCrashPoint);
  const outcome = await store.recordGrade(learnerId, rules, { round: "main", passed: true, results: [], durationMs: 1 });
  process.stdout.write(`KQ-OUTCOME ${JSON.stringify(outcome)}\n`);
  await handle.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
