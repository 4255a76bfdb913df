/**
 * KubeQuest's one server: Next.js pages and socket.io on the same HTTP port.
 *
 *   npm run dev      → tsx server/main.ts --dev
 *   PORT (3000), HOST (127.0.0.1; "0.0.0.0" to listen on every interface), KUBECONFIG,
 *   KUBEQUEST_DATA_DIR, DATABASE_URL, KUBEQUEST_ACCOUNT_SESSION_HOURS, KUBEQUEST_SESSION_SECRET, KUBEQUEST_ALLOWED_ORIGINS, KUBEQUEST_ENV_TTL_HOURS
 *
 * The Kubernetes cluster is optional at start-up: without it the pages work and each level
 * says how to start the cluster.
 *
 * Node only.
 */
import { getKubeAdapter } from "./kubernetes/kube-client";
import { startKubeQuestServer } from "./kubequest-server";
import { SessionSigner, loadSessionSecret } from "./session/anonymous-session";

/** How long shutdown may take before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 5_000;

function parsePort(value: string | undefined): number {
  const port = Number(value ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${value}"`);
  return port;
}

async function main(): Promise<void> {
  const dev = process.argv.includes("--dev") || process.env.NODE_ENV === "development";
  // Next reads NODE_ENV while loading: set it before `next` is imported.
  (process.env as Record<string, string>).NODE_ENV ??= dev ? "development" : "production";
  process.env.NEXT_TELEMETRY_DISABLED ??= "1";
  const port = parsePort(process.env.PORT);
  const host = process.env.HOST || "127.0.0.1";
  const signer = new SessionSigner(loadSessionSecret());

  const { default: next } = await import("next");
  const app = next({ dev, dir: process.cwd(), hostname: host, port });
  await app.prepare();
  const handle = app.getRequestHandler();

  const kq = await startKubeQuestServer({ port, host, signer, handle: (req, res) => handle(req, res) });
  console.log(`KubeQuest ready on ${kq.url}${dev ? " (development)" : ""}`);
  console.log(`Database: ${kq.services.database.engine} (${kq.services.database.describe}), migrations applied`);

  // Say early when the cluster is missing; the server keeps running either way.
  Promise.resolve()
    .then(() => getKubeAdapter().ping())
    .then(({ version }) => console.log(`Kubernetes cluster reachable (${version})`))
    .catch((err: unknown) => {
      const e = err as { message?: string; details?: { action?: string } };
      console.warn(`Kubernetes cluster not reachable: ${e.message ?? String(err)} ${e.details?.action ?? ""}`.trim());
    });

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
    kq.close()
      .then(() => app.close())
      .catch((err: unknown) => console.error("[shutdown]", err))
      .finally(() => process.exit(0));
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
