/**
 * What instances must agree on, behind one interface with two engines:
 *
 * - one instance (SQLite, the single-machine default): everything in this process's memory
 *   (memory-coordination.ts);
 * - N instances against one PostgreSQL (DATABASE_URL): leases and counters in tables, with
 *   the database's clock (postgres-coordination.ts).
 *
 * Leases are the locks: a grading run holds `grade:<namespace>`, a start, reset or deletion of
 * a learner's attempt at a level holds `environment:<attempt key>` (the warm pool counts those
 * held for a start or reset), the instance running the background jobs holds `leader`. A held
 * lease is renewed every third of its length; a crashed instance's lease runs out, so nothing
 * stays locked for longer than one lease (KUBEQUEST_LEASE_SECONDS).
 *
 * Node only.
 */
import { moduleLogger } from "../logging/logger";
import { isLeaseLost, renewEveryMs } from "./lease-rules";
import type { KeyedRateLimiter } from "./rate-limits";

const log = moduleLogger("coordination");

export interface LeaseHolder {
  /** The instance holding it. */
  holder: string;
  /** What it is doing there ("provisioning", "resetting", "grading"). */
  info: string | null;
}

/** The storage side of leases: one statement each, atomic in the engine. */
export interface LeaseTable {
  /** Takes the lease if it is free (or expired); the token to renew and release it by, or null. */
  tryTake(name: string, holder: string, info: string | null, leaseMs: number): Promise<string | null>;
  /** Pushes the lease's end out; false when it was lost (expired and taken, or deleted). */
  renew(name: string, token: string, leaseMs: number): Promise<boolean>;
  release(name: string, token: string): Promise<void>;
  /** Who holds the lease now (an expired one counts as free: null). */
  holderOf(name: string): Promise<LeaseHolder | null>;
  /** How many unexpired leases whose name starts with `prefix` are held for one of `infos`. */
  countHeld(prefix: string, infos: readonly string[]): Promise<number>;
}

/** A lease this instance holds, renewed in the background until released or lost. */
export class HeldLease {
  private timer: NodeJS.Timeout | undefined;
  private renewedAt: number;
  private released = false;
  private readonly lostHandlers: (() => void)[] = [];
  lost = false;

  constructor(
    private readonly table: LeaseTable,
    readonly name: string,
    readonly token: string,
    private readonly leaseMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.renewedAt = this.now();
    this.timer = setInterval(() => void this.renew(), renewEveryMs(leaseMs));
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    if (this.released || this.lost) return;
    let kept = false;
    try {
      kept = await this.table.renew(this.name, this.token, this.leaseMs);
      if (kept) this.renewedAt = this.now();
    } catch (err) {
      // One failed renewal is not a loss: the lease lasts three renewal periods.
      log.warn({ err, lease: this.name }, "renewing a lease failed");
      kept = !isLeaseLost(this.renewedAt, this.now(), this.leaseMs);
    }
    if (!kept && !this.released) this.markLost();
  }

  private markLost(): void {
    if (this.lost) return;
    this.lost = true;
    if (this.timer) clearInterval(this.timer);
    log.warn({ lease: this.name }, "lease lost");
    for (const handler of this.lostHandlers.splice(0)) handler();
  }

  /** Called once if the lease is lost before it is released. */
  onLost(handler: () => void): void {
    if (this.lost) handler();
    else this.lostHandlers.push(handler);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (this.timer) clearInterval(this.timer);
    if (this.lost) return;
    await this.table.release(this.name, this.token).catch((err: unknown) => {
      // Not released: it runs out on its own within one lease.
      log.warn({ err, lease: this.name }, "releasing a lease failed");
    });
  }
}

/** Locks shared by every instance, as leases. */
export class Leases {
  constructor(
    private readonly table: LeaseTable,
    private readonly opts: { instanceId: string; leaseMs: number; pollMs: number },
  ) {}

  get leaseMs(): number {
    return this.opts.leaseMs;
  }

  /** The lease, or null when another holder has it. */
  async tryAcquire(name: string, info: string | null = null): Promise<HeldLease | null> {
    const token = await this.table.tryTake(name, this.opts.instanceId, info, this.opts.leaseMs);
    return token === null ? null : new HeldLease(this.table, name, token, this.opts.leaseMs);
  }

  /** Waits until the lease is free, then takes it (a crashed holder's lease frees within one lease). */
  async acquire(name: string, info: string | null = null, signal?: AbortSignal): Promise<HeldLease> {
    for (;;) {
      const lease = await this.tryAcquire(name, info);
      if (lease) return lease;
      if (signal?.aborted) throw signal.reason;
      await new Promise((resolve) => setTimeout(resolve, this.opts.pollMs));
    }
  }

  /** Waits until nobody holds the lease (without taking it). */
  async waitUntilFree(name: string): Promise<void> {
    while (await this.table.holderOf(name)) await new Promise((resolve) => setTimeout(resolve, this.opts.pollMs));
  }

  holderOf(name: string): Promise<LeaseHolder | null> {
    return this.table.holderOf(name);
  }

  /** How many leases named `prefix`… are held now for one of `infos` (by any instance). */
  countHeld(prefix: string, infos: readonly string[]): Promise<number> {
    return this.table.countHeld(prefix, infos);
  }
}

export interface Coordination {
  /** This instance's id (config: KUBEQUEST_INSTANCE_ID). */
  instanceId: string;
  /** Whether other instances may share the work (PostgreSQL): events cross instances then. */
  distributed: boolean;
  leases: Leases;
  /** A counter per key shared by every instance (e.g. "level-starts-per-ip"). */
  rateLimiter(name: string, capacity: number, perMs: number): KeyedRateLimiter;
  /** Deletes what crashed instances left behind (idle counters, stale instance rows): a leader job. */
  sweep(): Promise<void>;
  /** Whether the database answers now; the reason when it does not. */
  check(): Promise<{ ok: true } | { ok: false; reason: string }>;
  close(): Promise<void>;
}
