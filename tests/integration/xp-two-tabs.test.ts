// Two tabs of one learner grade a passing Level 30 at the same moment, over real sockets
// against the real cluster, on SQLite and on PostgreSQL: XP is awarded once, both tabs hear of
// it once (and before their own grade's answer), and grading again later (a replay) awards
// nothing. The namespace is deleted afterwards (level:abandon).
//
// "Once" is proven without sleeping: each tab's round trip (socket-round-trip.ts) shows every
// event sent to it has arrived, and the database's award rows are counted. One server grades
// one namespace at a time, so its two tabs never reach the database together; the database's
// own race (several processes recording at once) is storage.test.ts's, and two servers
// grading one namespace are issue 13's two-instance test.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EnvironmentStatus, GradeFinished } from "../../lib/protocol/socket-events";
import { openDatabase, type DatabaseHandle } from "../../server/database/database";
import { roundTrip } from "./support/socket-round-trip";
import { bothStorageEngines } from "./support/storage-engines";
import { ask, connected, startTestServer, type TestServer, type TestSocket } from "./support/test-server";

const LEVEL = "headless-statefulset-dns";
const SOLUTION = fs.readFileSync("levels/03-networking-and-services/30-headless-statefulset-dns/solution/service.yaml", "utf8");

const engines = bothStorageEngines("kq-two-tabs-db-");

describe.each(engines)("two tabs on $name", ({ config }) => {
  let database: DatabaseHandle;
  let server: TestServer;
  let cookie = "";
  const tabs: TestSocket[] = [];

  async function tab(): Promise<TestSocket> {
    const socket = server.socket({ cookie });
    tabs.push(socket);
    await connected(socket);
    return socket;
  }

  beforeAll(async () => {
    database = await openDatabase(config());
    server = await startTestServer({ name: "kq-two-tabs-", database, rateLimit: { capacity: 50, perMs: 10_000 } });
    cookie = (await server.browser()).cookie;
  });

  afterAll(async () => {
    if (tabs[0]?.connected) await ask(tabs[0], "level:abandon", { levelId: LEVEL }, 180_000).catch(() => undefined);
    await server?.close();
    await database?.close();
  });

  it("two tabs grading a passing level at once award XP once; a replay awards nothing", async () => {
    const [a, b] = [await tab(), await tab()];
    /** What each tab received, in order: awards and the answers to its own grades. */
    const heard: string[][] = [[], []];
    a.on("xp:awarded", (x) => heard[0]!.push(`xp ${x.kind} ${x.xp} total ${x.totalXp}`));
    b.on("xp:awarded", (x) => heard[1]!.push(`xp ${x.kind} ${x.xp} total ${x.totalXp}`));
    const awards = (i: number) => heard[i]!.filter((e) => e.startsWith("xp "));

    const started = await ask<EnvironmentStatus>(a, "level:start", { levelId: LEVEL });
    expect(started).toMatchObject({ ok: true, value: { phase: "ready" } });
    await ask(b, "level:open", { levelId: LEVEL });
    expect(await ask(a, "yaml:recreate", { levelId: LEVEL, yaml: SOLUTION, confirmed: true }, 120_000)).toMatchObject({ ok: true });

    // Both tabs press Grade together. The server runs one grading per namespace at a time, so
    // the second either waits its turn (refused as in progress) or grades after: retry it.
    const gradeUntilDone = async (socket: TestSocket, i: number): Promise<GradeFinished> => {
      for (;;) {
        const r = await ask<GradeFinished>(socket, "grade:run", { levelId: LEVEL, round: "main" });
        if (r.ok) {
          heard[i]!.push(`answer passed=${r.value.passed}`);
          return r.value;
        }
        if (r.error.code !== "grading-in-progress") throw new Error(r.error.message);
        await new Promise((res) => setTimeout(res, 1000)); // pacing of the retry, not a proof
      }
    };
    const [ga, gb] = await Promise.all([gradeUntilDone(a, 0), gradeUntilDone(b, 1)]);
    expect(ga.passed && gb.passed).toBe(true);
    // Everything the server sent either tab so far has arrived.
    await Promise.all([roundTrip(a), roundTrip(b)]);
    // One award, heard once by each tab, before that tab's own answer (the award is sent before
    // the grade is answered: what a page may rely on to know its award without waiting).
    expect(heard[0]).toEqual(["xp main 250 total 250", "answer passed=true"]);
    expect(heard[1]).toEqual(["xp main 250 total 250", "answer passed=true"]);

    const learnerId = (await server.kq.services.accounts.resolveSession(server.signer.verify(cookie.split("=")[1]!)!)).learner.id;
    const awardRows = () => database.db.selectFrom("xp_awards").select(["kind", "xp"]).where("learner_id", "=", learnerId).execute();
    expect(await awardRows()).toEqual([{ kind: "main", xp: 250 }]);

    // A replay: passes again, awards nothing.
    expect((await gradeUntilDone(a, 0)).passed).toBe(true);
    await Promise.all([roundTrip(a), roundTrip(b)]);
    expect(awards(0)).toHaveLength(1);
    expect(awards(1)).toHaveLength(1);
    expect(await awardRows()).toEqual([{ kind: "main", xp: 250 }]);
    expect(await server.kq.services.progress.learnerXp(learnerId)).toBe(250);
    expect((await server.kq.services.progress.historyOf(learnerId)).grades.filter((g) => g.passed)).toHaveLength(3);
  });
});
