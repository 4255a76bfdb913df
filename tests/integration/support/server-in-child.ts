/**
 * The KubeQuest server in a process of its own, so a test can measure what the server itself
 * costs (resident memory, open file descriptors from /proc/<pid>) while hostile clients talk to
 * it, without the test runner's own allocations in the figures. The same wiring as
 * test-server.ts: the real server on a loopback port, a throwaway data directory
 * (KUBEQUEST_DATA_DIR), the real cluster, a plain-text page in place of Next.
 *
 * Prints `KQ-SERVER <url>` once listening; SIGTERM closes it as `npm start` would.
 * KQ_TEST_RATE_LIMIT="<capacity>/<ms>" widens the per-learner request limit for tests that
 * attach hundreds of times; any other server setting comes from the environment as usual
 * (DATABASE_URL, KUBEQUEST_INSTANCE_ID, KUBEQUEST_SESSION_SECRET… for the two-instance test).
 * A start that fails (a bad setting, a refused secret) prints its message and exits 1.
 */
import { startKubeQuestServer } from "../../../server/kubequest-server";
import { readServerConfig } from "../../../server/config/server-config";
import { configureLogger } from "../../../server/logging/logger";
import { SessionSigner, loadSessionSecret } from "../../../server/session/anonymous-session";

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
  process.once("SIGTERM", () => {
    kq.close().finally(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
