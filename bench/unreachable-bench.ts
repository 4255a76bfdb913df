/**
 * The `unreachable` section of `npm run bench`: how long `npm run grade:installation` takes to
 * say, and explain, that an installation's cluster is down. A second production server runs
 * with a kubeconfig pointing at a port where nothing listens (and a throwaway data directory);
 * the grading run against it must end by itself with exit code 2. The browser test
 * (e2e/grading-runs.spec.ts) proves what it says; the time is measured here, never asserted in
 * a test.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const DEAD_KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{name: dead, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]
users: [{name: nobody, user: {token: x}}]
contexts: [{name: dead, context: {cluster: dead, user: nobody}}]
current-context: dead
`;

function finished(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** Durations (ms) of `runs` grading runs against a server whose cluster is unreachable. */
export async function benchUnreachable(port: number, runs: number): Promise<number[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kq-bench-unreachable-"));
  const kubeconfig = path.join(dir, "kubeconfig");
  fs.writeFileSync(kubeconfig, DEAD_KUBECONFIG);
  const { DATABASE_URL: _unused, ...env } = process.env;
  const server = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    env: { ...env, KUBECONFIG: kubeconfig, KUBEQUEST_DATA_DIR: path.join(dir, "data"), PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the unreachable-cluster server did not start within 60 s")), 60_000);
      server.stdout!.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("KubeQuest ready")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const run = await finished("npx", ["tsx", "scripts/grade-installation.ts", "--url", `http://127.0.0.1:${port}`, "--report-dir", path.join(dir, `report-${i}`)], process.env);
      samples.push(performance.now() - t0);
      if (run.code !== 2 || !/cannot reach its Kubernetes cluster/.test(run.output)) throw new Error(`grade:installation against a dead cluster ended with ${run.code}:\n${run.output}`);
      process.stdout.write(`  unreachable ${i + 1}/${runs}: ${(samples.at(-1)! / 1000).toFixed(1)} s\n`);
    }
    return samples;
  } finally {
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
