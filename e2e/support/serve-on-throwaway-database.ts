/**
 * Playwright's web server for one database: makes a throwaway data directory and, for
 * PostgreSQL, starts a throwaway PostgreSQL (tests/support/throwaway-database.ts), runs the
 * production server on it (`server/main.ts`, as `npm start` does), and on SIGTERM stops the
 * server, then the database, and deletes both. The browser tests never touch the developer's
 * ./data or DATABASE_URL, and the same flows run on SQLite and on PostgreSQL (playwright.config.ts
 * starts one of these per project).
 *
 *   node --import tsx e2e/support/serve-on-throwaway-database.ts --database sqlite|postgres --data-dir <dir> [--postgres-port <port>]
 *
 * The data directory and port are given, not chosen here, because the specs must reach the same
 * database (`npm run user:create-instructor` in e2e/pages/instructor-pages.ts).
 * PORT and HOST come from the environment, as for the server.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { parseDatabaseEngine, serverEnv, startThrowawayDatabase } from "../../tests/support/throwaway-database";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { database: { type: "string" }, "data-dir": { type: "string" }, "postgres-port": { type: "string" } } });
  const engine = parseDatabaseEngine(values.database);
  const dataDir = values["data-dir"];
  if (!dataDir) throw new Error("--data-dir is required");
  const postgresPort = values["postgres-port"] ? Number(values["postgres-port"]) : undefined;
  const db = await startThrowawayDatabase(engine, { dataDir, ...(postgresPort !== undefined ? { postgresPort } : {}) });
  console.log(`[e2e] ${engine} database: ${db.databaseUrl ?? path.join(dataDir, "kubequest.sqlite")} (thrown away at the end)`);

  const server = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], { env: serverEnv(db), stdio: "inherit" });
  const stop = (): void => {
    if (server.exitCode === null && server.signalCode === null) server.kill("SIGTERM");
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  server.once("exit", (code, signal) => {
    db.remove()
      .catch((err: unknown) => console.error(`[e2e] removing the ${engine} database:`, err))
      .finally(() => {
        // The run's data root goes with the last project's directory (rmdir refuses a non-empty one).
        try {
          fs.rmdirSync(path.dirname(dataDir));
        } catch {
          // another project's server still has its directory there
        }
        process.exit(code ?? (signal ? 0 : 1));
      });
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
