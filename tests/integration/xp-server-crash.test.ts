// The real server process killed between a passing grade and its award, on SQLite and on
// PostgreSQL: a learner fixes Level 30 on the real cluster and grades through the server (in a
// process of its own) until a grade passes; the server stops at the crash point inside the
// award's transaction and the test SIGKILLs it there. Started again on the same database, the
// server has recorded neither that grade nor an award (the level is not passed, no XP), so the
// pass is not lost: grading again awards the level's XP once, and a replay awards nothing.
import fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { io as connect } from "socket.io-client";
import type { EnvironmentStatus, GradeFinished, XpAwarded } from "../../lib/protocol/socket-events";
import { readServerConfig } from "../../server/config/server-config";
import { AccountStore } from "../../server/database/account-store";
import { openDatabase } from "../../server/database/database";
import { ProgressStore } from "../../server/database/progress-store";
import { SESSION_COOKIE, SessionSigner, loadSessionSecret } from "../../server/session/anonymous-session";
import { childDatabaseEnv } from "./support/racing-grades";
import { startServerProcess, type ServerProcess } from "./support/server-process";
import { roundTrip } from "./support/socket-round-trip";
import { bothStorageEngines } from "./support/storage-engines";
import { ask, connected, type TestSocket } from "./support/test-server";

const LEVEL = "headless-statefulset-dns";
const SOLUTION = fs.readFileSync("levels/03-networking-and-services/30-headless-statefulset-dns/solution/service.yaml", "utf8");
const CRASH_POINT = "between-passing-grade-and-award";

const engines = bothStorageEngines("kq-crash-db-");

describe.each(engines)("the server killed at the crash point, on $name", ({ config }) => {
  const servers: ServerProcess[] = [];
  const sockets: TestSocket[] = [];
  let last: { server: ServerProcess; cookie: string } | undefined;

  function socketTo(server: ServerProcess, cookie: string): TestSocket {
    const s: TestSocket = connect(server.url, { transports: ["websocket"], extraHeaders: { cookie, origin: server.url }, reconnection: false, forceNew: true });
    sockets.push(s);
    return s;
  }

  async function start(extra: Record<string, string>): Promise<ServerProcess> {
    const server = await startServerProcess(childDatabaseEnv(config(), { KQ_TEST_RATE_LIMIT: "100/10000", ...extra }));
    servers.push(server);
    return server;
  }

  afterAll(async () => {
    // The environment goes through the server that is still running (the run's teardown deletes it otherwise).
    if (last && last.server.child.exitCode === null) {
      const s = socketTo(last.server, last.cookie);
      await connected(s)
        .then(() => ask(s, "level:abandon", { levelId: LEVEL }, 180_000))
        .catch(() => undefined);
    }
    for (const s of sockets) s.disconnect();
    for (const server of servers) await server.stop();
  });

  it("leaves no award and no recorded pass, and the next grade awards the XP once", async () => {
    const first = await start({ KUBEQUEST_TEST_CRASH_POINT: CRASH_POINT });
    const res = await fetch(`${first.url}/`);
    const value = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(res.headers.get("set-cookie") ?? "")![1]!;
    const cookie = `${SESSION_COOKIE}=${value}`;
    last = { server: first, cookie };
    // The same secret the child server read from the environment it was given.
    const childConfig = readServerConfig(childDatabaseEnv(config()));
    const signer = new SessionSigner(loadSessionSecret({ sessionSecret: childConfig.sessionSecret, dataDir: childConfig.storage.dataDir }));

    const tab = socketTo(first, cookie);
    await connected(tab);
    expect(await ask<EnvironmentStatus>(tab, "level:start", { levelId: LEVEL })).toMatchObject({ ok: true, value: { phase: "ready" } });
    expect(await ask(tab, "yaml:recreate", { levelId: LEVEL, yaml: SOLUTION, confirmed: true }, 120_000)).toMatchObject({ ok: true });

    // Grade until a grade passes: the fixed StatefulSet takes a while to heal, and failing
    // grades go through as usual. The passing one stops at the crash point: killed there.
    const crashed = first.printed(`KQ-CRASH-POINT ${CRASH_POINT}`);
    let failedGrades = 0;
    for (;;) {
      const answer = ask<GradeFinished>(tab, "grade:run", { levelId: LEVEL }, 240_000);
      answer.catch(() => undefined);
      const outcome = await Promise.race([crashed.then(() => "crash" as const), answer]);
      if (outcome === "crash") break;
      expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
      if (outcome.ok && outcome.value.passed) throw new Error("a grade passed without reaching the crash point");
      failedGrades++;
      await new Promise((r) => setTimeout(r, 2000)); // pacing of the retry while the fix heals
    }
    expect(await first.kill()).toBe("SIGKILL");

    // The database as the killed server left it, read through a connection of the test's own.
    const db = await openDatabase(config());
    try {
      const learnerId = (await new AccountStore(db.db, { anonymousTtlMs: 86_400_000, accountTtlMs: 86_400_000 }).resolveSession(signer.verify(value)!)).learner.id;
      const progress = new ProgressStore(db.db, () => new Map());
      const history = await progress.historyOf(learnerId);
      expect(await progress.learnerXp(learnerId)).toBe(0);
      expect(history.levels.find((l) => l.levelId === LEVEL)?.passedAt ?? null).toBeNull();
      // The failing grades before it were recorded; the passing one rolled back with its award.
      expect(history.grades.map((g) => g.passed)).toEqual(Array.from({ length: failedGrades }, () => false));

      // Started again on the same database (and the same environment in the cluster).
      const second = await start({});
      last = { server: second, cookie };
      const again = socketTo(second, cookie);
      const awards: XpAwarded[] = [];
      again.on("xp:awarded", (x) => awards.push(x));
      await connected(again);
      const regraded = await ask<GradeFinished>(again, "grade:run", { levelId: LEVEL }, 240_000);
      expect(regraded).toMatchObject({ ok: true, value: { passed: true } });
      await roundTrip(again);
      expect(awards.map((a) => [a.kind, a.xp, a.totalXp])).toEqual([["main", 250, 250]]);

      // A replay awards nothing.
      expect(await ask<GradeFinished>(again, "grade:run", { levelId: LEVEL }, 240_000)).toMatchObject({ ok: true, value: { passed: true } });
      await roundTrip(again);
      expect(awards).toHaveLength(1);
      expect(await db.db.selectFrom("xp_awards").select(["kind", "xp"]).where("learner_id", "=", learnerId).execute()).toEqual([{ kind: "main", xp: 250 }]);
      expect(await progress.learnerXp(learnerId)).toBe(250);
      expect((await progress.historyOf(learnerId)).grades.filter((g) => g.passed)).toHaveLength(2);
    } finally {
      await db.close();
    }
  });
});
