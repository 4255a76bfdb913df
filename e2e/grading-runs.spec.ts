// The grading runs themselves, tested the way an instructor and a level author use them:
// levels:verify must catch a level whose solution is broken and name the check; the
// installation grading run must pass against a working server and stop clearly, not hang,
// against one whose cluster is down (how long it takes to say so: `npm run bench`, section
// "unreachable"). The installation grading run runs on SQLite and on PostgreSQL (the two
// projects); levels:verify's broken-solution run on SQLite only: the server code it drives on
// PostgreSQL is the installation run's, and a second three-minute run proved nothing more.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { createKubeAdapter } from "../server/kubernetes/kube-client";
import { BOTH_DATABASES, projectDatabase } from "./support/project-database";

const SOLUTION = "levels/03-networking-and-services/30-headless-statefulset-dns/solution/service.yaml";

interface Finished {
  code: number | null;
  output: string;
  ms: number;
}

/** Runs a script to the end, collecting stdout and stderr together (as a person sees them). */
function runScript(args: string[], env: Record<string, string> = {}, timeoutMs = 600_000): Promise<Finished> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn("npx", ["tsx", ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => {
      output += `\n[test] killed after ${timeoutMs} ms`;
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - t0 });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

test("levels:verify fails and names the check when a level's solution is broken", async () => {
  test.setTimeout(600_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), "kq-levels-"));
  cpSync("levels", path.join(dir, "levels"), { recursive: true });
  // The solution's Service now selects pods that do not exist: headless, but governing nothing.
  const solution = path.join(dir, SOLUTION);
  const broken = readFileSync(solution, "utf8").replace(/(selector:\n\s+)app: redis\n/, "$1app: redis-typo\n");
  expect(broken).toMatch(/selector:\n\s+app: redis-typo\n/);
  writeFileSync(solution, broken);

  const report = path.join(dir, "verify.json");
  // Its own server, on a throwaway database of this project's engine.
  const run = await runScript(["scripts/levels-verify.ts", "--level", "headless-statefulset-dns", "--scenarios", "solution", "--database", projectDatabase().engine, "--report", report], {
    KUBEQUEST_LEVELS_DIR: path.join(dir, "levels"),
  });
  console.log(run.output);
  expect(run.code).toBe(1);
  expect(run.output).toMatch(/level headless-statefulset-dns, scenario "solution", check statefulset-service-name: expected to pass/);
  const json = JSON.parse(readFileSync(report, "utf8")) as { ok: boolean; levels: { scenarios: { name: string; ok: boolean; check?: string }[] }[] };
  expect(json.ok).toBe(false);
  expect(json.levels[0]!.scenarios).toContainEqual(expect.objectContaining({ name: "solution", ok: false, check: "statefulset-service-name" }));
});

test("grade:installation proves a running installation: every level started, solved, graded, cleaned up", BOTH_DATABASES, async ({ baseURL }) => {
  test.setTimeout(600_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), "kq-install-"));
  const run = await runScript(["scripts/grade-installation.ts", "--url", baseURL!, "--report-dir", dir]);
  console.log(run.output);
  expect(run.code).toBe(0);
  // Levels 30 and 31.
  expect(run.output).toMatch(/✓ 2\/2 level\(s\) as declared/);
  expect(run.output).toContain(`report: ${path.join(dir, "report.json")}`);
  const json = JSON.parse(readFileSync(path.join(dir, "report.json"), "utf8")) as { ok: boolean; levels: { id: string; ok: boolean; namespace?: string; scenarios: { name: string; ok: boolean }[] }[] };
  expect(json.ok).toBe(true);
  const level = json.levels.find((l) => l.id === "headless-statefulset-dns")!;
  expect(level.scenarios.map((s) => [s.name, s.ok])).toEqual([
    ["broken start", true],
    ["solution", true],
    ["solution, graded again", true],
  ]);
  // It deleted the namespace it created, through the server.
  expect(level.namespace).toMatch(/^kq-/);
  const left = await createKubeAdapter().listNamespaces("app.kubernetes.io/managed-by=kubequest");
  expect(left.filter((n) => n.name === level.namespace && !n.deleting)).toEqual([]);
});

test("grade:installation says the cluster is unreachable, and what to do, when the installation's cluster is down", async () => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), "kq-deadcluster-"));
  const kubeconfig = path.join(dir, "kubeconfig");
  // Port 1 on loopback: nothing listens there.
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{name: dead, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]
users: [{name: nobody, user: {token: x}}]
contexts: [{name: dead, context: {cluster: dead, user: nobody}}]
current-context: dead
`,
  );
  const port = await freePort();
  // A throwaway data directory (SQLite), never ./data.
  const { DATABASE_URL: _unused, ...env } = process.env;
  const server = spawn("npx", ["tsx", "server/main.ts"], {
    env: { ...env, KUBEQUEST_DATA_DIR: path.join(dir, "data"), KUBECONFIG: kubeconfig, PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  try {
    let log = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not start:\n${log}`)), 90_000);
      const onData = (c: Buffer): void => {
        log += c.toString();
        if (log.includes("KubeQuest ready")) {
          clearTimeout(timer);
          resolve();
        }
      };
      server.stdout.on("data", onData);
      server.stderr.on("data", onData);
    });

    const reportDir = path.join(dir, "report");
    const run = await runScript(["scripts/grade-installation.ts", "--url", `http://127.0.0.1:${port}`, "--report-dir", reportDir], {}, 150_000);
    console.log(run.output);
    expect(run.output).not.toContain("[test] killed");
    // It ended by itself (runScript's 150 s kill is a guard against hanging, not a speed target).
    expect(run.code).toBe(2);
    expect(run.output).toMatch(/cannot reach its Kubernetes cluster/);
    expect(run.output).toMatch(/What to do: Start or repair the installation's Kubernetes cluster/);
    expect(existsSync(path.join(reportDir, "report.json"))).toBe(true);
  } finally {
    const exited = server.exitCode !== null || server.signalCode !== null ? Promise.resolve() : new Promise((r) => server.once("exit", r));
    if (server.pid) process.kill(-server.pid, "SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
