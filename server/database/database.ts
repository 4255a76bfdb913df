/**
 * Opens KubeQuest's database and brings its schema up to date: SQLite in the data folder by
 * default (`<KUBEQUEST_DATA_DIR>/kubequest.sqlite`, WAL), PostgreSQL when `DATABASE_URL` is a
 * `postgres://` or `postgresql://` URL. Both go through the same Kysely schema and queries.
 *
 * Node only.
 */
import fs from "node:fs";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { migrationProvider } from "./migrations";
import type { Database } from "./schema";

export type Engine = "sqlite" | "postgres";

export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: Engine;
  /** Where it lives, for logs (the PostgreSQL password is masked). */
  describe: string;
  close(): Promise<void>;
}

export interface DatabaseConfig {
  /** A `postgres://` URL, or undefined for SQLite. */
  databaseUrl?: string | undefined;
  /** Folder of the SQLite file (created when missing). */
  dataDir: string;
}

function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** Opens the database named by `config` and runs pending migrations. */
export async function openDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  let handle: DatabaseHandle;
  if (config.databaseUrl !== undefined) {
    if (!isPostgresUrl(config.databaseUrl)) {
      throw new Error(`DATABASE_URL must start with postgres:// or postgresql:// (or be unset for SQLite in the data folder).`);
    }
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    handle = { db, engine: "postgres", describe: config.databaseUrl.replace(/:[^:@/]*@/, ":***@"), close: () => db.destroy() };
  } else {
    fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    const file = path.join(config.dataDir, "kubequest.sqlite");
    const sqlite = new BetterSqlite3(file);
    // WAL: readers never wait for the writer; synchronous=FULL: a committed award survives a
    // power cut, not only a process crash. busy_timeout: a second process waits, not fails.
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = FULL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    handle = { db, engine: "sqlite", describe: file, close: () => db.destroy() };
  }
  await migrate(handle.db);
  return handle;
}

/** Runs every pending migration; throws naming the one that failed. */
export async function migrate(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    const why = error instanceof Error ? error.message : String(error ?? "unknown error");
    throw new Error(`Database migration ${failed?.migrationName ?? ""} failed: ${why}`);
  }
}
