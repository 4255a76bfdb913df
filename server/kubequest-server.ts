/**
 * The HTTP server with everything KubeQuest hangs on it: session cookies on every response,
 * socket.io with its feature modules, and the background reapers. `main.ts` passes Next's
 * request handler; tests pass their own and get the very same wiring.
 *
 * Node only.
 */
import http from "node:http";
import { LevelEnvironments, type LevelEnvironmentOptions } from "./environments/level-environment";
import { runGrade } from "./grader/run-grade";
import type { KubeAdapter } from "./kubernetes/kube-adapter";
import { getKubeAdapter } from "./kubernetes/kube-client";
import { getLevelCatalog } from "./levels/level-catalog";
import { NamespaceLiveViews } from "./live-view/namespace-live-view";
import { ensureSession, type SessionSigner } from "./session/anonymous-session";
import { originPolicyFromEnv, type OriginPolicy } from "./socket/origin-check";
import { createSocketServer, type SocketServerDeps } from "./socket/socket-server";
import { TerminalSessions } from "./terminal/terminal-session";

export interface KubeQuestServerOptions {
  port: number;
  host: string;
  signer: SessionSigner;
  /** Serves every HTTP request that is not socket.io's (Next.js in production and development). */
  handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;
  origins?: OriginPolicy;
  kube?: () => KubeAdapter;
  levels?: LevelEnvironmentOptions["levels"];
  rateLimit?: SocketServerDeps["rateLimit"];
}

export interface KubeQuestServer {
  server: http.Server;
  url: string;
  /** The feature services behind the sockets (for diagnostics and tests). */
  services: { environments: LevelEnvironments; terminals: TerminalSessions; liveViews: NamespaceLiveViews };
  /** Closes terminals (tmux keeps the shells), watches, sockets, reapers and the HTTP server. */
  close(): Promise<void>;
}

export async function startKubeQuestServer(opts: KubeQuestServerOptions): Promise<KubeQuestServer> {
  const kube = opts.kube ?? getKubeAdapter;
  const server = http.createServer((req, res) => {
    ensureSession(req, res, opts.signer);
    opts.handle(req, res).catch((err: unknown) => {
      console.error("[http]", req.url, err);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });

  // The socket server is created after the services that send events through it.
  const rooms: { io?: ReturnType<typeof createSocketServer>["io"] } = {};
  const environments = new LevelEnvironments({
    kube,
    levels: opts.levels ?? getLevelCatalog,
    events: {
      progress: (ns, p) => rooms.io?.to(ns).emit("environment:progress", p),
      status: (ns, s) => rooms.io?.to(ns).emit("environment:status", s),
    },
  });
  const terminals = new TerminalSessions({ kube });
  const liveViews = new NamespaceLiveViews({
    kube,
    emit: (ns, snapshot) => rooms.io?.to(ns).emit("liveview:snapshot", snapshot),
  });
  const sockets = createSocketServer(server, {
    signer: opts.signer,
    origins: opts.origins ?? originPolicyFromEnv(process.env, opts.port, opts.host),
    kube,
    environments,
    terminals,
    liveViews,
    runGrade,
    ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}),
  });
  rooms.io = sockets.io;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  environments.startReaper();
  terminals.startIdleReaper();

  const address = server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  const shownHost = opts.host === "0.0.0.0" || opts.host === "::" ? "localhost" : opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return {
    server,
    url: `http://${shownHost}:${port}`,
    services: { environments, terminals, liveViews },
    async close() {
      environments.stop();
      await sockets.close();
    },
  };
}
