/**
 * The background jobs that must run on exactly one instance (the environment reaper, the
 * session and recording purges, the coordination sweep): whichever instance holds the `leader`
 * lease runs them; the others try to take it every third of a lease, so when the leader dies
 * another one takes over within one lease. With one instance it is always the leader.
 *
 * Each job's runs are counted (shown by /healthz): what proves that only one instance runs them.
 *
 * Node only.
 */
import { moduleLogger } from "../logging/logger";
import type { HeldLease, Leases } from "./coordination";
import { renewEveryMs } from "./lease-rules";

const log = moduleLogger("leader");
export const LEADER_LEASE = "leader";

interface Job {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
  runs: number;
  timer?: NodeJS.Timeout;
}

export interface LeaderStatus {
  leader: boolean;
  /** The instance holding the lease now, as far as this one knows. */
  leaderId: string | null;
  /** How often each job ran on this instance. */
  runs: Record<string, number>;
}

export class LeaderJobs {
  private readonly jobs: Job[] = [];
  private lease: HeldLease | null = null;
  private campaign: NodeJS.Timeout | undefined;
  private stopped = false;
  private leaderId: string | null = null;

  constructor(private readonly deps: { leases: Leases; instanceId: string }) {}

  /** Runs `run` every `everyMs` (and once on taking the lead) while this instance leads. */
  every(name: string, everyMs: number, run: () => Promise<unknown>): void {
    this.jobs.push({ name, everyMs, run, runs: 0 });
  }

  start(): void {
    const tryLead = (): void => void this.tryLead();
    tryLead();
    this.campaign = setInterval(tryLead, renewEveryMs(this.deps.leases.leaseMs));
    this.campaign.unref();
  }

  private async tryLead(): Promise<void> {
    if (this.stopped || this.lease) return;
    try {
      const lease = await this.deps.leases.tryAcquire(LEADER_LEASE, "background jobs");
      if (!lease) {
        this.leaderId = (await this.deps.leases.holderOf(LEADER_LEASE))?.holder ?? null;
        return;
      }
      if (this.stopped) return void lease.release();
      this.lease = lease;
      this.leaderId = this.deps.instanceId;
      log.info("this instance leads: it runs the background jobs");
      lease.onLost(() => this.stepDown());
      for (const job of this.jobs) this.schedule(job);
    } catch (err) {
      log.warn({ err }, "could not take part in the leader election");
    }
  }

  private schedule(job: Job): void {
    const run = (): void => {
      if (!this.lease || this.lease.lost) return;
      job.runs += 1;
      job.run().catch((err: unknown) => log.error({ err, job: job.name }, "background job failed"));
    };
    run();
    job.timer = setInterval(run, job.everyMs);
    job.timer.unref();
  }

  private stepDown(): void {
    for (const job of this.jobs) if (job.timer) clearInterval(job.timer);
    this.lease = null;
    this.leaderId = null;
    if (!this.stopped) log.warn("this instance lost the lead: its background jobs stopped");
  }

  status(): LeaderStatus {
    return {
      leader: this.lease !== null && !this.lease.lost,
      leaderId: this.leaderId,
      runs: Object.fromEntries(this.jobs.map((j) => [j.name, j.runs])),
    };
  }

  /** Stops the jobs and hands the lead over at once (a clean shutdown need not wait for the lease to run out). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.campaign) clearInterval(this.campaign);
    for (const job of this.jobs) if (job.timer) clearInterval(job.timer);
    const lease = this.lease;
    this.lease = null;
    await lease?.release();
  }
}
