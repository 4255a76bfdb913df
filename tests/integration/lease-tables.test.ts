// The two lease tables answer alike: in memory (one instance) and in a real PostgreSQL (several).
// What is asked here is what the warm pool asks before it builds: how many learners' builds are
// in progress right now, whichever instance holds them (coordination.ts `countHeld`).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LeaseTable } from "../../server/coordination/coordination";
import { MemoryLeaseTable } from "../../server/coordination/memory-coordination";
import { PostgresLeaseTable } from "../../server/coordination/postgres-coordination";
import { openDatabase, type DatabaseHandle } from "../../server/database/database";
import { startThrowawayPostgres, type ThrowawayPostgres } from "./support/postgres";

describe.each([{ engine: "memory" }, { engine: "PostgreSQL" }])("the lease table in $engine", ({ engine }) => {
  let pg: ThrowawayPostgres | undefined;
  let handle: DatabaseHandle | undefined;
  let table: LeaseTable;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kq-lease-tables-"));

  beforeAll(async () => {
    if (engine === "memory") {
      table = new MemoryLeaseTable();
      return;
    }
    pg = await startThrowawayPostgres();
    handle = await openDatabase({ databaseUrl: pg.url, dataDir });
    table = new PostgresLeaseTable(handle.db);
  }, 120_000);

  afterAll(async () => {
    await handle?.close();
    await pg?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("counts the unexpired leases of a prefix held for the given reasons, by every holder", async () => {
    const building = ["provisioning", "resetting"];
    expect(await table.countHeld("environment:", building)).toBe(0);
    const a = await table.tryTake("environment:ada:30", "kq-a", "provisioning", 15_000);
    const b = await table.tryTake("environment:bo:30", "kq-b", "resetting", 15_000);
    // Held, but not building: a deletion, and a lease of another kind with the same reason.
    await table.tryTake("environment:cy:30", "kq-a", "deleting", 15_000);
    await table.tryTake("grade:ada:30", "kq-a", "provisioning", 15_000);
    // A prefix's own characters only: `_` and `%` are no wildcards.
    await table.tryTake("environmentXada:30", "kq-a", "provisioning", 15_000);
    expect(await table.countHeld("environment:", building)).toBe(2);
    expect(await table.countHeld("environment_", building)).toBe(0);
    expect(await table.countHeld("environment%", building)).toBe(0);
    expect(await table.countHeld("environment:", [])).toBe(0);

    await table.release("environment:ada:30", a!);
    expect(await table.countHeld("environment:", building)).toBe(1);
    await table.release("environment:bo:30", b!);
    expect(await table.countHeld("environment:", building)).toBe(0);
  });

  it("does not count a lease whose holder stopped renewing it", async () => {
    // A crashed instance's build: its lease runs out and the pool stops waiting for it.
    // Long enough that a loaded machine's round trip cannot outlast it before the first count.
    await table.tryTake("environment:gone:30", "kq-dead", "provisioning", 2_000);
    expect(await table.countHeld("environment:", ["provisioning"])).toBe(1);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await table.countHeld("environment:", ["provisioning"])).toBe(0);
  });
});
