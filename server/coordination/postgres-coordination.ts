/**
 * Coordination for N instances against one PostgreSQL (DATABASE_URL): leases and rate-limit
 * buckets are rows, changed by single statements that are atomic in the database, timed by the
 * database's clock (`now()`), so instances whose clocks disagree still agree on who holds what.
 *
 * - a lease is taken by an upsert that only overwrites an expired row: of two instances asking
 *   at once exactly one gets it; a crashed holder's row expires within one lease;
 * - a bucket is read `for update` and written back in one transaction (lease-rules.ts does the
 *   arithmetic), so two instances never spend the same token.
 *
 * Node only.
 */
import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { Database } from "../database/schema";
import { Leases, type Coordination, type LeaseHolder, type LeaseTable } from "./coordination";
import { takeToken } from "./lease-rules";
import type { KeyedRateLimiter, RateDecision } from "./rate-limits";

const secs = (ms: number) => ms / 1000;

export class PostgresLeaseTable implements LeaseTable {
  constructor(private readonly db: Kysely<Database>) {}

  async tryTake(name: string, holder: string, info: string | null, leaseMs: number): Promise<string | null> {
    const token = randomUUID();
    const taken = await sql<{ token: string }>`
      insert into kq_leases (name, holder, token, info, expires_at)
      values (${name}, ${holder}, ${token}, ${info}, now() + make_interval(secs => ${secs(leaseMs)}))
      on conflict (name) do update
        set holder = excluded.holder, token = excluded.token, info = excluded.info, expires_at = excluded.expires_at
        where kq_leases.expires_at <= now()
      returning token`.execute(this.db);
    return taken.rows[0]?.token === token ? token : null;
  }

  async renew(name: string, token: string, leaseMs: number): Promise<boolean> {
    const renewed = await sql`
      update kq_leases set expires_at = now() + make_interval(secs => ${secs(leaseMs)})
      where name = ${name} and token = ${token} and expires_at > now()`.execute(this.db);
    return Number(renewed.numAffectedRows ?? 0n) > 0;
  }

  async release(name: string, token: string): Promise<void> {
    await sql`delete from kq_leases where name = ${name} and token = ${token}`.execute(this.db);
  }

  async holderOf(name: string): Promise<LeaseHolder | null> {
    const found = await sql<{ holder: string; info: string | null }>`
      select holder, info from kq_leases where name = ${name} and expires_at > now()`.execute(this.db);
    return found.rows[0] ?? null;
  }

  async countHeld(prefix: string, infos: readonly string[]): Promise<number> {
    if (infos.length === 0) return 0;
    // starts_with, not LIKE: a prefix holding % or _ means only itself.
    const counted = await sql<{ held: string }>`
      select count(*) as held from kq_leases
      where starts_with(name, ${prefix}) and info in (${sql.join([...infos])}) and expires_at > now()`.execute(this.db);
    return Number(counted.rows[0]?.held ?? 0);
  }
}

class PostgresRateLimiter implements KeyedRateLimiter {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly name: string,
    private readonly capacity: number,
    private readonly perMs: number,
  ) {}

  take(key: string): Promise<RateDecision> {
    const id = `${this.name}:${key}`.slice(0, 300);
    return this.db.transaction().execute(async (trx) => {
      await sql`insert into kq_rate_buckets (key, tokens, updated_at) values (${id}, ${this.capacity}, now()) on conflict (key) do nothing`.execute(trx);
      const row = (
        await sql<{ tokens: number; updated_ms: string; now_ms: string }>`
          select tokens, extract(epoch from updated_at) * 1000 as updated_ms, extract(epoch from now()) * 1000 as now_ms
          from kq_rate_buckets where key = ${id} for update`.execute(trx)
      ).rows[0];
      const nowMs = Number(row?.now_ms ?? Date.now());
      const taken = takeToken(row ? { tokens: Number(row.tokens), updatedAtMs: Number(row.updated_ms) } : undefined, nowMs, this.capacity, this.perMs);
      await sql`update kq_rate_buckets set tokens = ${taken.bucket.tokens}, updated_at = now() where key = ${id}`.execute(trx);
      return taken.ok ? { ok: true as const } : { ok: false as const, retryAfterMs: taken.retryAfterMs };
    });
  }
}

export function postgresCoordination(db: Kysely<Database>, opts: { instanceId: string; leaseMs: number }): Coordination {
  return {
    instanceId: opts.instanceId,
    distributed: true,
    // A freed lease is seen within half a second: a waiting grade or start goes on promptly.
    leases: new Leases(new PostgresLeaseTable(db), { instanceId: opts.instanceId, leaseMs: opts.leaseMs, pollMs: 500 }),
    rateLimiter: (name, capacity, perMs) => new PostgresRateLimiter(db, name, capacity, perMs),
    async sweep() {
      // Buckets idle for an hour are full again (windows are at most 10 minutes); leases and
      // instance rows that old belong to instances that are gone.
      await sql`delete from kq_rate_buckets where updated_at < now() - interval '1 hour'`.execute(db);
      await sql`delete from kq_leases where expires_at < now() - interval '1 hour'`.execute(db);
      await sql`delete from kq_instances where heartbeat_at < now() - interval '1 hour'`.execute(db);
    },
    async check() {
      const timeout = new Promise<{ ok: false; reason: string }>((resolve) => setTimeout(() => resolve({ ok: false, reason: "the database did not answer within 3 s" }), 3_000).unref());
      const query = sql`select 1`.execute(db).then(
        () => ({ ok: true as const }),
        (err: unknown) => ({ ok: false as const, reason: `the database is unreachable: ${(err as Error).message}` }),
      );
      return Promise.race([query, timeout]);
    },
    close: () => Promise.resolve(),
  };
}
