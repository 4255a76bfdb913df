/**
 * `npm start`: the whole platform on one machine, each step with its name and time.
 *   1. the kind cluster (cluster kit: reused, restarted or built; see `npm run cluster:up`), with
 *      the nodes it has (a cluster made with `cluster:up -- --nodes 3` stays 3 nodes) or the
 *      number `npm start -- --nodes N` asks for
 *   2. the data directory (session secret; the database lives here too)
 *   3. the web app's production build, when the sources changed since the last one
 *   4. the server: http://localhost:3000 (PORT/HOST to change), until Ctrl+C
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { clusterUp, nodeCountToKeep, nodesFlag, parseNodeCount } from "../cluster-kit/cluster";
import { formatElapsed, log, runTimedStep } from "../cluster-kit/step-runner";

const root = process.cwd();
const TOTAL = 4;

/** Newest modification time under the folders the web build reads. */
function newestSource(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const dir of ["app", "components", "lib", "public"]) if (existsSync(dir)) walk(path.join(root, dir));
  for (const file of ["next.config.js", "postcss.config.mjs", "package-lock.json"]) {
    if (existsSync(file)) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}`))));
    child.on("error", reject);
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  // Name what is missing, and the one command that installs it, before a long step fails on it.
  await run("bash", ["scripts/install-prerequisites.sh", "--check"]).catch(() => {
    throw new Error("npm start needs the prerequisites above (see the README's set-up)");
  });
  const asked = nodesFlag(process.argv.slice(2));
  const nodes = asked === undefined ? nodeCountToKeep() : parseNodeCount(asked);
  await runTimedStep(1, TOTAL, "Kubernetes cluster (kind)", () => clusterUp({ nodes }));

  const dataDir = process.env.KUBEQUEST_DATA_DIR ?? path.join(root, "data");
  await runTimedStep(2, TOTAL, `data directory ${dataDir}`, async () => {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  });

  const buildId = path.join(root, ".next", "BUILD_ID");
  if (existsSync(buildId) && statSync(buildId).mtimeMs > newestSource()) {
    log(`[3/${TOTAL}] web app: the production build is current`);
  } else {
    await runTimedStep(3, TOTAL, "web app production build (next build)", () =>
      run("npx", ["next", "build"], { NEXT_TELEMETRY_DISABLED: "1" }),
    );
  }

  log(`[4/${TOTAL}] server (ready in ${formatElapsed(Date.now() - started)} so far; Ctrl+C stops it)`);
  // node --import tsx: the server is this child itself, so Ctrl+C reaches it directly.
  const server = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production", KUBEQUEST_DATA_DIR: dataDir },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  server.on("close", (code) => process.exit(code ?? 0));
}

main().catch((err: unknown) => {
  console.error(`\n✗ ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
