/**
 * The live instances sharing one PostgreSQL, and the start-up check that they sign sessions
 * with one secret: a session cookie minted by one instance must be valid on every other (the
 * load balancer may send the next request anywhere once an instance goes away). An instance
 * that would break that refuses to start, saying which setting to fix.
 *
 * Each instance keeps a row with a heartbeat; a row whose heartbeat is older than one lease is
 * a dead instance's. The secret itself never leaves the process: rows hold its fingerprint
 * (SessionSigner.fingerprint: an HMAC of a fixed text; equal secrets, equal fingerprints).
 *
 * Node only.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../database/schema";
import { moduleLogger } from "../logging/logger";
import { renewEveryMs } from "./lease-rules";

const log = moduleLogger("instances");

export interface InstanceIdentity {
  id: string;
  fingerprint: string;
  /** Whether the secret came from KUBEQUEST_SESSION_SECRET (not a file of this machine's data folder). */
  configured: boolean;
}

/** Why this instance must not join the live ones, or null when it may. */
export function joinProblem(me: InstanceIdentity, live: readonly { id: string; fingerprint: string }[]): string | null {
  if (live.some((other) => other.id === me.id)) {
    return `KUBEQUEST_INSTANCE_ID "${me.id}" is already used by a running instance against this database: give each instance its own id (or leave it unset).`;
  }
  if (live.length === 0) return null;
  const names = live.map((other) => other.id).join(", ");
  // The same secret everywhere is what matters: a server restarted on the same data folder
  // (killed, its row still fresh for up to a lease) read the same generated secret, so it joins.
  if (live.every((other) => other.fingerprint === me.fingerprint)) return null;
  if (!me.configured) {
    return `Another KubeQuest instance (${names}) runs against this database, and this one has no KUBEQUEST_SESSION_SECRET: every instance must sign sessions with the same secret. Set KUBEQUEST_SESSION_SECRET to one value (for example: openssl rand -hex 32) on every instance, and restart them.`;
  }
  const differs = live.filter((other) => other.fingerprint !== me.fingerprint);
  if (differs.length > 0) {
    return `KUBEQUEST_SESSION_SECRET differs from the session secret of ${differs.map((o) => o.id).join(", ")}, running against this database: a learner's session from one instance would be refused by another. Set the same KUBEQUEST_SESSION_SECRET on every instance, and restart them.`;
  }
  return null;
}

export class InstanceStartError extends Error {
  override name = "InstanceStartError";
}

/** Registers this instance (or throws InstanceStartError) and keeps its heartbeat. */
export async function joinInstances(db: Kysely<Database>, me: InstanceIdentity, leaseMs: number): Promise<{ live(): Promise<string[]>; leave(): Promise<void> }> {
  await db.transaction().execute(async (trx) => {
    // One joiner at a time, so two instances starting together cannot both miss each other.
    await sql`select pg_advisory_xact_lock(hashtext('kubequest-instances'))`.execute(trx);
    const live = await sql<{ id: string; secret_fingerprint: string }>`
      select id, secret_fingerprint from kq_instances
      where heartbeat_at > now() - make_interval(secs => ${leaseMs / 1000}) order by id`.execute(trx);
    const problem = joinProblem(
      me,
      live.rows.map((r) => ({ id: r.id, fingerprint: r.secret_fingerprint })),
    );
    if (problem) throw new InstanceStartError(problem);
    await sql`
      insert into kq_instances (id, started_at, heartbeat_at, secret_fingerprint) values (${me.id}, now(), now(), ${me.fingerprint})
      on conflict (id) do update set started_at = now(), heartbeat_at = now(), secret_fingerprint = excluded.secret_fingerprint`.execute(trx);
  });
  const beat = setInterval(() => {
    sql`update kq_instances set heartbeat_at = now() where id = ${me.id}`.execute(db).catch((err: unknown) => log.warn({ err }, "instance heartbeat failed"));
  }, renewEveryMs(leaseMs));
  beat.unref();
  return {
    async live() {
      const rows = await sql<{ id: string }>`select id from kq_instances where heartbeat_at > now() - make_interval(secs => ${leaseMs / 1000}) order by id`.execute(db);
      return rows.rows.map((r) => r.id);
    },
    async leave() {
      clearInterval(beat);
      await sql`delete from kq_instances where id = ${me.id}`.execute(db).catch((err: unknown) => log.warn({ err }, "leaving the instance list failed"));
    },
  };
}
