// Issue 12: when KubeQuest cannot reach the cluster, "Check my work" must not tell the learner
// their fix failed. A server of this spec's own reaches the API server through a TCP relay the
// test can cut, as a dead node or a network outage would: the learner starts Level 30, the
// relay is cut, and the grade panel must show "could not check" (amber, its own words, nothing
// recorded), never a red fail; with the relay back, the next run is a real verdict again.
// Its own server, so that cutting the cluster off touches no other spec's server.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test, type BrowserContext } from "@playwright/test";
import type { ProfileView } from "../lib/protocol/account-api";
import { loadKubeConfig } from "../server/kubernetes/kube-config";
import { LevelPage } from "./pages/level-page";
import { abandonLevel } from "./support/environment-cleanup";
import { LEVEL_ID, attachScreenshot } from "./support/level-30";

/**
 * A TCP relay to the API server that can be cut and restored. It keeps its port the whole time
 * (so nothing else can take it between a cut and a restore): while cut, every open connection
 * and every new one is reset, as a cluster that went away does to a client.
 */
class CuttableRelay {
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;
  private isCut = false;

  constructor(host: string, upstreamPort: number) {
    this.server = net.createServer((client) => {
      if (this.isCut) {
        client.resetAndDestroy();
        return;
      }
      const upstream = net.connect(upstreamPort, host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    return (this.server.address() as net.AddressInfo).port;
  }

  cut(): void {
    this.isCut = true;
    for (const s of this.sockets) s.resetAndDestroy();
  }

  restore(): void {
    this.isCut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function startServer(kubeconfig: string, dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await new Promise<number>((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port: free } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  // The run's KUBEQUEST_TEST_RUN is inherited: its environments carry the run's label, so the
  // suite's teardown removes whatever this spec leaves. Never the developer's DATABASE_URL.
  const { DATABASE_URL: _unused, ...env } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    env: { ...env, KUBECONFIG: kubeconfig, KUBEQUEST_DATA_DIR: dataDir, KUBEQUEST_WARM_POOL: "0", PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the server did not start:\n${log}`));
    }, 90_000);
    const onData = (c: Buffer): void => {
      log += c.toString();
      if (log.includes("KubeQuest ready")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the server exited (${code}):\n${log}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

test("a grade KubeQuest could not finish says so in amber, records nothing, and the next grade is a real verdict", async ({ browser }, testInfo) => {
  test.setTimeout(300_000);
  const kc = loadKubeConfig();
  const apiServer = new URL(kc.getCurrentCluster()!.server);
  const relay = new CuttableRelay(apiServer.hostname, Number(apiServer.port || 443));
  const dir = mkdtempSync(path.join(os.tmpdir(), "kq-grade-error-"));
  let server: { child: ChildProcess; url: string } | undefined;
  let context: BrowserContext | undefined;
  try {
    const relayPort = await relay.listen();
    const kubeconfig = path.join(dir, "kubeconfig");
    // The same cluster and credentials, reached through the relay (the API server's certificate
    // names 127.0.0.1, whatever the port).
    const exported = JSON.parse(kc.exportConfig()) as { clusters: { name: string; cluster: { server: string } }[] };
    for (const c of exported.clusters) if (c.name === kc.getCurrentCluster()!.name) c.cluster.server = `https://127.0.0.1:${relayPort}`;
    writeFileSync(kubeconfig, JSON.stringify(exported), { mode: 0o600 });

    server = await startServer(kubeconfig, path.join(dir, "data"));
    const ctx = await browser.newContext({ baseURL: server.url });
    context = ctx;
    const page = await ctx.newPage();
    const level = new LevelPage(page, LEVEL_ID);
    await level.goto();
    await level.start();

    relay.cut();
    const summary = await level.grade();
    const run = level.lastGrade();
    expect(run.outcome, JSON.stringify(run.results.map((r) => [r.id, r.status]))).toBe("error");
    expect(run.passed).toBe(false);
    // Not a fail: amber, our words, and nothing of the learner's counted.
    await expect(summary).toHaveAttribute("data-outcome", "error");
    await expect(summary).toHaveClass(/border-warn/);
    await expect(summary).not.toHaveClass(/border-bad/);
    await expect(summary).toContainText("nothing is wrong with your fix");
    await expect(summary).toContainText("no attempt was recorded");
    await expect(summary).not.toContainText(/failed/i);
    await expect(page.locator('[data-testid^="grade-check-"][data-status="error"]').first()).toBeVisible();
    await expect(page.locator('[data-testid^="grade-check-"][data-status="fail"]')).toHaveCount(0);
    await attachScreenshot(page, testInfo, "grade panel: could not check");
    // What the panel says is what the server kept: no attempt in the learner's history.
    const attempts = async (): Promise<ProfileView["attempts"]> => ((await (await ctx.request.get("/api/profile")).json()) as ProfileView).attempts;
    expect(await attempts()).toEqual([]);

    // The cluster is back: the same button gives the learner's real verdict (the broken
    // Service, not yet fixed, fails where it should, in red).
    relay.restore();
    const verdict = await level.grade();
    expect(level.lastGrade().outcome).toBe("fail");
    await expect(verdict).toHaveAttribute("data-outcome", "fail");
    await expect(verdict).toHaveClass(/border-bad/);
    await expect(level.check("service-headless")).toHaveAttribute("data-status", "fail");
    // A verdict counts: the one attempt recorded is this fail, not the run we could not finish.
    expect((await attempts()).map((a) => [a.round, a.passed])).toEqual([["main", false]]);
  } finally {
    relay.restore();
    if (server && context) await abandonLevel(context, server.url, LEVEL_ID).catch(() => undefined);
    await context?.close();
    if (server?.child.exitCode === null) {
      const exited = new Promise((resolve) => server!.child.once("exit", resolve));
      server.child.kill("SIGTERM");
      await exited;
    }
    await relay.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
