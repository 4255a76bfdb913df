/**
 * `npm run levels:check`: validates every level under levels/ (or the directory given as the
 * first argument) and exits 1 when an author has something to fix.
 */
import path from "node:path";
import { checkLevels, formatLevelCheckReport } from "../server/levels/level-check";

async function main(): Promise<void> {
  const rootDir = path.resolve(process.argv[2] ?? path.join(process.cwd(), "levels"));
  const report = await checkLevels(rootDir);
  console.log(formatLevelCheckReport(report, rootDir));
  process.exitCode = report.problems.length === 0 ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
