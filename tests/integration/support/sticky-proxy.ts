/**
 * A sticky load balancer in front of several KubeQuest instances, as the README's scaled-out
 * deployment describes: HAProxy (Debian's package) on a free loopback port, started and stopped
 * by the test, never the system's service. Stickiness by cookie (`KQ_INSTANCE=<name>`, inserted
 * on the first answer): socket.io's long-polling needs every request of a connection on one
 * instance. A client may send the cookie itself to pin itself to one instance.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort } from "./free-port";

export const STICKY_COOKIE = "KQ_INSTANCE";

export interface StickyProxy {
  url: string;
  stop(): Promise<void>;
}

async function listening(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`HAProxy did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `port`: listen there (the bench's fixed BENCH_PORT); default a free one. */
export async function startStickyProxy(backends: { name: string; url: string }[], opts: { port?: number } = {}): Promise<StickyProxy> {
  const haproxy = ["/usr/sbin/haproxy", "/usr/bin/haproxy"].find((p) => fs.existsSync(p));
  if (!haproxy) throw new Error("HAProxy is not installed: apt-get install -y haproxy (scripts/install-prerequisites.sh installs it).");
  const port = opts.port ?? (await freePort());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kq-haproxy-"));
  const config = [
    "global",
    "  maxconn 512",
    "defaults",
    "  mode http",
    "  timeout connect 5s",
    "  timeout client 10m",
    "  timeout server 10m",
    // WebSockets stay open as long as the learner's tab.
    "  timeout tunnel 1h",
    "  option redispatch",
    "frontend kubequest",
    `  bind 127.0.0.1:${port}`,
    "  default_backend instances",
    "backend instances",
    "  balance roundrobin",
    `  cookie ${STICKY_COOKIE} insert indirect nocache`,
    "  option httpchk GET /healthz",
    ...backends.map((b) => {
      const u = new URL(b.url);
      return `  server ${b.name} ${u.hostname}:${u.port} cookie ${b.name} check inter 2s`;
    }),
    "",
  ].join("\n");
  const file = path.join(dir, "haproxy.cfg");
  fs.writeFileSync(file, config);
  // -db: stay in the foreground, so the test owns the process and its end.
  const child: ChildProcess = spawn(haproxy, ["-db", "-f", file], { stdio: ["ignore", "inherit", "inherit"] });
  await listening(port, 10_000);
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
