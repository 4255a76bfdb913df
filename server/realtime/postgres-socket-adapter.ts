/**
 * socket.io across instances through the PostgreSQL they already share
 * (`@socket.io/postgres-adapter`: LISTEN/NOTIFY, payloads over 8 kB through a table), so there
 * is no other server to run. A pool of its own: the adapter holds one connection for LISTEN
 * for as long as the server runs.
 *
 * Node only.
 */
import { createAdapter } from "@socket.io/postgres-adapter";
import pg from "pg";
import { moduleLogger } from "../logging/logger";

const log = moduleLogger("socket-adapter");
const ATTACHMENTS_TABLE = "socket_io_attachments";

export async function postgresSocketAdapter(databaseUrl: string): Promise<{ adapter: ReturnType<typeof createAdapter>; close(): Promise<void> }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  pool.on("error", (err) => log.warn({ err }, "an idle adapter connection failed"));
  // The adapter's own table (its documented schema); large room emits travel through it.
  await pool.query(`create table if not exists ${ATTACHMENTS_TABLE} (id bigserial unique, created_at timestamptz default now(), payload bytea)`);
  const adapter = createAdapter(pool, {
    tableName: ATTACHMENTS_TABLE,
    errorHandler: (err: Error) => log.warn({ err }, "the socket.io adapter reported an error"),
  });
  return { adapter, close: () => pool.end() };
}
