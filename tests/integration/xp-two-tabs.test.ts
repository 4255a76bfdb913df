// Two tabs of one learner grade a passing Level 30 at the same moment, over real sockets
// against the real cluster: XP is awarded once, both tabs hear of it once, and grading again
// later (a replay) awards nothing. The namespace is deleted afterwards (level:abandon).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { io as connect, type Socket } from "socket.io-client";
import type { ClientToServerEvents, EnvironmentStatus, GradeFinished, Result, ServerToClientEvents, XpAwarded } from "../../lib/protocol/socket-events";
import { openDatabase, type DatabaseHandle } from "../../server/database/database";
import { startKubeQuestServer, type KubeQuestServer } from "../../server/kubequest-server";
import { SESSION_COOKIE, SessionSigner, loadSessionSecret } from "../../server/session/anonymous-session";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const LEVEL = "headless-statefulset-dns";
const SOLUTION = fs.readFileSync("levels/03-networking-and-services/30-headless-statefulset-dns/solution/service.yaml", "utf8");

let kq: KubeQuestServer;
let database: DatabaseHandle;
let dataDir: string;
let cookie = "";
const tabs: Client[] = [];

function ask<T>(socket: Client, event: keyof ClientToServerEvents, payload: unknown, timeoutMs = 300_000): Promise<Result<T>> {
  return (socket.timeout(timeoutMs) as unknown as { emitWithAck(e: string, p: unknown): Promise<Result<T>> }).emitWithAck(event, payload);
}

async function tab(): Promise<Client> {
  const socket: Client = connect(kq.url, { transports: ["websocket"], extraHeaders: { cookie }, reconnection: false, forceNew: true });
  tabs.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kq-two-tabs-"));
  database = await openDatabase({ dataDir });
  kq = await startKubeQuestServer({
    port: 0,
    host: "127.0.0.1",
    signer: new SessionSigner(loadSessionSecret({ KUBEQUEST_DATA_DIR: dataDir })),
    handle: async (_req, res) => {
      res.end("page");
    },
    database,
    rateLimit: { capacity: 50, perMs: 10_000 },
  });
  const res = await fetch(`${kq.url}/api/session`);
  cookie = `${SESSION_COOKIE}=${new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(res.headers.get("set-cookie") ?? "")?.[1]}`;
});

afterAll(async () => {
  if (tabs[0]?.connected) await ask(tabs[0], "level:abandon", { levelId: LEVEL }, 180_000).catch(() => undefined);
  for (const t of tabs) t.disconnect();
  await kq?.close();
  await database?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
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
  const gradeUntilDone = async (socket: Client): Promise<GradeFinished> => {
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
  const learnerId = (await kq.services.accounts.resolveSession(new SessionSigner(loadSessionSecret({ KUBEQUEST_DATA_DIR: dataDir })).verify(cookie.split("=")[1])!)).learner.id;
  expect(await kq.services.progress.learnerXp(learnerId)).toBe(250);
  expect((await kq.services.progress.historyOf(learnerId)).grades.filter((g) => g.passed)).toHaveLength(3);
});
