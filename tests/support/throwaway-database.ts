/**
 * A throwaway database for a server a test or a grading run starts: a fresh data directory in
 * the system's temp folder (SQLite file, generated session secret) and, for PostgreSQL, a
 * throwaway PostgreSQL from Debian's binaries (tests/integration/support/postgres.ts). Never the
 * developer's `./data`, never their DATABASE_URL: e2e, levels:verify, the bench and the
 * server-process tests all start from an empty database and delete it afterwards.
 *
 * `serverEnv` gives the environment a server or a script (create-instructor) needs to use it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startThrowawayPostgres, type ThrowawayPostgres } from "../integration/support/postgres";

export type DatabaseEngine = "sqlite" | "postgres";

export const DATABASE_ENGINES: readonly DatabaseEngine[] = ["sqlite", "postgres"];

export function parseDatabaseEngine(value: string | undefined): DatabaseEngine {
  if (value === undefined || value === "sqlite") return "sqlite";
  if (value === "postgres") return "postgres";
  throw new Error(`--database must be sqlite or postgres, got "${value}"`);
}

export interface ThrowawayDatabase {
  engine: DatabaseEngine;
  dataDir: string;
  /** The PostgreSQL URL (postgres only). */
  databaseUrl?: string;
  /** The variables that make a server or script use this database (DATABASE_URL only for PostgreSQL). */
  vars: { KUBEQUEST_DATA_DIR: string; DATABASE_URL?: string };
  /** Stops PostgreSQL (if any) and deletes the data directory. */
  remove(): Promise<void>;
}

/**
 * `env` with this database in place of whatever it named: KUBEQUEST_DATA_DIR set, and
 * DATABASE_URL set for PostgreSQL or removed for SQLite (an inherited one would win).
 */
export function serverEnv(db: Pick<ThrowawayDatabase, "vars">, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { DATABASE_URL: _inherited, ...rest } = env;
  return { ...rest, ...db.vars };
}

/**
 * Makes the data directory (`dataDir`, or a new temp folder named after `prefix`) and, for
 * PostgreSQL, starts it (on `postgresPort`, or a free port).
 */
export async function startThrowawayDatabase(engine: DatabaseEngine, opts: { prefix?: string; dataDir?: string; postgresPort?: number } = {}): Promise<ThrowawayDatabase> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), opts.prefix ?? `kq-${engine}-`));
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let pg: ThrowawayPostgres | undefined;
  try {
    if (engine === "postgres") pg = await startThrowawayPostgres(opts.postgresPort !== undefined ? { port: opts.postgresPort } : {});
  } catch (err) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    engine,
    dataDir,
    ...(pg ? { databaseUrl: pg.url } : {}),
    vars: { KUBEQUEST_DATA_DIR: dataDir, ...(pg ? { DATABASE_URL: pg.url } : {}) },
    async remove() {
      try {
        await pg?.stop();
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
