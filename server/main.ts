/**
 * KubeQuest's one server: Next.js pages and socket.io on the same HTTP port.
 *
 *   npm run dev      → tsx server/main.ts --dev
 *   Settings come from the environment, read and checked once by config/server-config.ts
 *   (PORT, HOST, KUBECONFIG, KUBEQUEST_HOME, DATABASE_URL, KUBEQUEST_SESSION_SECRET, …): a bad
 *   value stops the start with every problem named.
 *
 * The Kubernetes cluster is optional at start-up: without it the pages work and each level
 * says how to start the cluster.
 *
 * Node only.
 */
import { readServerConfig } from "./config/server-config";
import { getKubeAdapter } from "./kubernetes/kube-client";
import { startKubeQuestServer } from "./kubequest-server";
import { configureLogger } from "./logging/logger";
import { SessionSigner, loadSessionSecret } from "./session/anonymous-session";

/** How long shutdown may take before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 5_000;

async function main(): Promise<void> {
  const dev = process.argv.includes("--dev") || process.env.NODE_ENV === "development";
  // Next reads NODE_ENV while loading: set it before `next` is imported.
  (process.env as Record<string, string>).NODE_ENV ??= dev ? "development" : "production";
  process.env.NEXT_TELEMETRY_DISABLED ??= "1";
  const config = readServerConfig();
  const log = configureLogger({ instanceId: config.instanceId });
  const { port, host } = config;
  const signer = new SessionSigner(loadSessionSecret({ sessionSecret: config.sessionSecret, dataDir: config.storage.dataDir }));

  const { default: next } = await import("next");
  const app = next({ dev, dir: process.cwd(), hostname: host, port });
  await app.prepare();
  const handle = app.getRequestHandler();

  const kq = await startKubeQuestServer({ config, port, host, signer, handle: (req, res) => handle(req, res) });
  log.info({ url: kq.url, dev }, `KubeQuest ready on ${kq.url}${dev ? " (development)" : ""}`);
  log.info({ engine: kq.services.database.engine }, `Database: ${kq.services.database.engine} (${kq.services.database.describe}), migrations applied`);

  // Say early when the cluster is missing; the server keeps running either way.
  Promise.resolve()
    .then(() => getKubeAdapter(config.cluster).ping())
    .then(({ version }) => log.info({ version }, `Kubernetes cluster reachable (${version})`))
    .catch((err: unknown) => {
      const e = err as { message?: string; details?: { action?: string } };
      log.warn(`Kubernetes cluster not reachable: ${e.message ?? String(err)} ${e.details?.action ?? ""}`.trim());
    });

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down`);
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
    kq.close()
      .then(() => app.close())
      .catch((err: unknown) => log.error({ err }, "shutting down failed"))
      .finally(() => process.exit(0));
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  // A start-up error (a bad setting, another instance's different secret) is for a person to
  // read: its message alone, as written.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
