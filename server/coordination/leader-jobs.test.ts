import { afterEach, describe, expect, it } from "vitest";
import { Leases } from "./coordination";
import { LeaderJobs } from "./leader-jobs";
import { MemoryLeaseTable } from "./memory-coordination";

const until = async (check: () => boolean, timeoutMs = 3_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("LeaderJobs", () => {
  const running: LeaderJobs[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((j) => j.stop()));
  });

  /** Two instances sharing one lease table, as two servers share PostgreSQL. */
  function twoInstances(leaseMs: number) {
    const table = new MemoryLeaseTable();
    const runs = { a: 0, b: 0 };
    const make = (id: "a" | "b") => {
      const jobs = new LeaderJobs({ leases: new Leases(table, { instanceId: id, leaseMs, pollMs: 10 }), instanceId: id });
      jobs.every("reaper", 20, async () => {
        runs[id] += 1;
      });
      running.push(jobs);
      return jobs;
    };
    return { a: make("a"), b: make("b"), runs };
  }

  it("runs the jobs on exactly one of two instances, and the other knows who leads", async () => {
    const { a, b, runs } = twoInstances(300);
    a.start();
    await until(() => a.status().leader);
    b.start();
    await until(() => runs.a >= 5 && b.status().leaderId === "a");
    expect(runs.b).toBe(0);
    expect(b.status()).toMatchObject({ leader: false, leaderId: "a", runs: { reaper: 0 } });
    expect(a.status()).toMatchObject({ leader: true, leaderId: "a" });
  });

  it("hands the lead over on a clean stop without waiting for the lease to run out", async () => {
    const { a, b, runs } = twoInstances(3_000);
    a.start();
    await until(() => a.status().leader);
    b.start();
    await until(() => b.status().leaderId === "a");
    const stoppedAt = Date.now();
    await a.stop();
    // b campaigns every third of the lease (1 s): the released lease is its next try.
    await until(() => b.status().leader && runs.b > 0, 2_000);
    expect(Date.now() - stoppedAt).toBeLessThan(3_000);
  });

  it("takes over from a leader that died, once its lease ran out", async () => {
    const table = new MemoryLeaseTable();
    // A leader that took the lease and died: nobody renews it.
    expect(await table.tryTake("leader", "dead", null, 300)).not.toBeNull();
    const b = new LeaderJobs({ leases: new Leases(table, { instanceId: "b", leaseMs: 300, pollMs: 10 }), instanceId: "b" });
    running.push(b);
    b.start();
    await until(() => b.status().leaderId === "dead");
    await until(() => b.status().leader, 1_000);
  });
});
