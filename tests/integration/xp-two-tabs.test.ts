// Two tabs of one learner grade a passing Level 30 at the same moment, over real sockets
// against the real cluster: XP is awarded once, both tabs hear of it once, and grading again
// later (a replay) awards nothing. The namespace is deleted afterwards (level:abandon).
import fs from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { EnvironmentStatus, GradeFinished, XpAwarded } from "../../lib/protocol/socket-events";
import { ask, connected, startTestServer, type TestServer, type TestSocket } from "./support/test-server";

const LEVEL = "headless-statefulset-dns";
const SOLUTION = fs.readFileSync("levels/03-networking-and-services/30-headless-statefulset-dns/solution/service.yaml", "utf8");

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
  server = await startTestServer({ name: "kq-two-tabs-", rateLimit: { capacity: 50, perMs: 10_000 } });
  cookie = (await server.browser()).cookie;
});

afterAll(async () => {
  if (tabs[0]?.connected) await ask(tabs[0], "level:abandon", { levelId: LEVEL }, 180_000).catch(() => undefined);
  await server?.close();
});

it("two tabs grading a passing level at once award XP once; a replay awards nothing", async () => {
  const [a, b] = [await tab(), await tab()];
  const awards: XpAwarded[][] = [[], []];
  a.on("xp:awarded", (x) => awards[0]!.push(x));
  b.on("xp:awarded", (x) => awards[1]!.push(x));

  const started = await ask<EnvironmentStatus>(a, "level:start", { levelId: LEVEL });
  expect(started).toMatchObject({ ok: true, value: { phase: "ready" } });
  await ask(b, "level:open", { levelId: LEVEL });
  expect(await ask(a, "yaml:recreate", { levelId: LEVEL, yaml: SOLUTION, confirmed: true }, 120_000)).toMatchObject({ ok: true });

  // Both tabs press Grade together. The server runs one grading per namespace at a time, so
  // the second either waits its turn (refused as in progress) or grades after: retry it.
  const gradeUntilDone = async (socket: TestSocket): Promise<GradeFinished> => {
    for (;;) {
      const r = await ask<GradeFinished>(socket, "grade:run", { levelId: LEVEL, round: "main" });
      if (r.ok) return r.value;
      if (r.error.code !== "grading-in-progress") throw new Error(r.error.message);
      await new Promise((res) => setTimeout(res, 1000));
    }
  };
  const [ga, gb] = await Promise.all([gradeUntilDone(a), gradeUntilDone(b)]);
  expect(ga.passed && gb.passed).toBe(true);
  await new Promise((res) => setTimeout(res, 500));
  expect(awards[0]).toHaveLength(1);
  expect(awards[1]).toHaveLength(1);
  expect(awards[0]![0]).toMatchObject({ levelId: LEVEL, kind: "main", xp: 250, totalXp: 250 });

  // A replay: passes again, awards nothing.
  expect((await gradeUntilDone(a)).passed).toBe(true);
  await new Promise((res) => setTimeout(res, 500));
  expect(awards[0]).toHaveLength(1);
  const learnerId = (await server.kq.services.accounts.resolveSession(server.signer.verify(cookie.split("=")[1]!)!)).learner.id;
  expect(await server.kq.services.progress.learnerXp(learnerId)).toBe(250);
  expect((await server.kq.services.progress.historyOf(learnerId)).grades.filter((g) => g.passed)).toHaveLength(3);
});
