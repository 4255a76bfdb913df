/**
 * The KubeQuest server in a process of its own, so a test can measure what the server itself
 * costs (resident memory, open file descriptors from /proc/<pid>) while hostile clients talk to
 * it, without the test runner's own allocations in the figures, or kill it with SIGKILL at a
 * crash point and start it again on the same database. The same wiring as test-server.ts: the
 * real server on a loopback port, the data directory and database the environment names
 * (KUBEQUEST_DATA_DIR, DATABASE_URL), the real cluster, a plain-text page in place of Next.
 *
 * Prints `KQ-SERVER <url>` once listening; SIGTERM closes it as `npm start` would.
 * KQ_TEST_RATE_LIMIT="<capacity>/<ms>" widens the per-learner request limit for tests that
 * attach hundreds of times; any other server setting comes from the environment as usual
 * (DATABASE_URL, KUBEQUEST_INSTANCE_ID, KUBEQUEST_SESSION_SECRET… for the two-instance test).
 * A start that fails (a bad setting, a refused secret) prints its message and exits 1.
 *
 * Questions on stdin, for the positive signals a test waits for instead of sleeping (see
 * server-process.ts): a line `KQ-ASK <n> <question> [argument]` is answered on stdout with
 * `KQ-ANSWER <n> <json>`:
 *   flow <socket id>   the terminal output flow of that socket (TerminalSessions.flowOf), or null
 *   quiet              waits until no terminal is open and no client connection is left, and the
 *                      closed terminals' tmux clients are ended and recordings written; answers
 *                      { terminals, connections } (non-zero only if that took over 30 s)
 */
import readline from "node:readline";
import { startKubeQuestServer, type KubeQuestServer } from "../../../server/kubequest-server";
import { readServerConfig } from "../../../server/config/server-config";
import { configureLogger } from "../../../server/logging/logger";
import { SessionSigner, loadSessionSecret } from "../../../server/session/anonymous-session";

function connections(kq: KubeQuestServer): Promise<number> {
  return new Promise((resolve, reject) => kq.server.getConnections((err, count) => (err ? reject(err) : resolve(count))));
}

async function answer(kq: KubeQuestServer, question: string, argument: string | undefined): Promise<unknown> {
  const terminals = kq.services.terminals;
  switch (question) {
    case "flow":
      return terminals.flowOf(argument ?? "") ?? null;
    case "quiet": {
      const deadline = Date.now() + 30_000;
      // Polling pace of a wait for a positive state, not a proof by sleeping.
      while ((terminals.size > 0 || (await connections(kq)) > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await terminals.clientsEnded();
      await terminals.recordingsWritten();
      return { terminals: terminals.size, connections: await connections(kq) };
    }
    default:
      throw new Error(`unknown question "${question}"`);
  }
}

async function main(): Promise<void> {
  const [capacity, perMs] = (process.env.KQ_TEST_RATE_LIMIT ?? "").split("/").map(Number);
  const config = readServerConfig();
  configureLogger({ instanceId: config.instanceId });
  const kq = await startKubeQuestServer({
    config,
    port: 0,
    host: "127.0.0.1",
    signer: new SessionSigner(loadSessionSecret({ sessionSecret: config.sessionSecret, dataDir: config.storage.dataDir })),
    handle: async (_req, res) => {
      res.setHeader("content-type", "text/plain");
      res.end("page");
    },
    ...(capacity && perMs ? { rateLimit: { capacity, perMs } } : {}),
    // The shared cluster's other environments must not fill this test server's cap.
    maxEnvironments: 100,
  });
  process.stdout.write(`KQ-SERVER ${kq.url}\n`);
  readline.createInterface({ input: process.stdin }).on("line", (line) => {
    const m = /^KQ-ASK (\d+) (\S+)(?: (\S+))?$/.exec(line.trim());
    if (!m) return;
    answer(kq, m[2]!, m[3]).then(
      (value) => process.stdout.write(`KQ-ANSWER ${m[1]} ${JSON.stringify(value)}\n`),
      (err: unknown) => process.stdout.write(`KQ-ANSWER ${m[1]} ${JSON.stringify({ error: String(err) })}\n`),
    );
  });
  process.once("SIGTERM", () => {
    kq.close().finally(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
