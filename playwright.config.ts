/**
 * End-to-end tests: a real Chromium (Debian's, never a downloaded one) against the real
 * server (production build) and the real kind cluster, on both databases KubeQuest supports.
 *
 * Two projects, each with its own server and its own throwaway database
 * (e2e/support/serve-on-throwaway-database.ts), never the developer's ./data or DATABASE_URL:
 *   sqlite    every spec, server on E2E_PORT (3100), SQLite in a temp directory;
 *   postgres  the specs tagged @both-databases (XP, the instructor dashboard, the grading runs),
 *             server on E2E_PORT + 1, a throwaway PostgreSQL on E2E_PORT + 2 (Debian's binaries).
 */
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { ensureTestRunId } from "./tests/support/test-run-id";

const PORT = Number(process.env.E2E_PORT ?? 3100);
const POSTGRES_SERVER_PORT = PORT + 1;
const POSTGRES_PORT = PORT + 2;
const isCI = Boolean(process.env.CI);
// Set here, before the web server starts (it inherits it and labels every environment it makes);
// workers load this file again but inherit the runner's id. The global teardown deletes by it.
const runId = ensureTestRunId("e2e");
// Named after the run, so the runner and its workers (which load this file again) agree on it.
const dataRoot = path.join(os.tmpdir(), `kq-e2e-${runId}`);
const databases = {
  sqlite: { engine: "sqlite", vars: { KUBEQUEST_DATA_DIR: path.join(dataRoot, "sqlite") } },
  postgres: {
    engine: "postgres",
    vars: { KUBEQUEST_DATA_DIR: path.join(dataRoot, "postgres"), DATABASE_URL: `postgres://kq@127.0.0.1:${POSTGRES_PORT}/postgres` },
  },
} as const;

/** The production server on `port`, on a throwaway database of `engine`. */
function webServer(engine: keyof typeof databases, port: number) {
  const args = ["--database", engine, "--data-dir", databases[engine].vars.KUBEQUEST_DATA_DIR, ...(engine === "postgres" ? ["--postgres-port", String(POSTGRES_PORT)] : [])];
  return {
    command: `node --import tsx e2e/support/serve-on-throwaway-database.ts ${args.join(" ")}`,
    url: `http://127.0.0.1:${port}/`,
    // Every test on an environment built for it (the warm pool has its own test).
    env: { PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", KUBEQUEST_WARM_POOL: process.env.KUBEQUEST_WARM_POOL ?? "0" },
    // Never another server already on the port: its database would not be this run's.
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe" as const,
    stderr: "pipe" as const,
    // SIGTERM, not SIGKILL: the wrapper stops the server, then PostgreSQL, and deletes both.
    gracefulShutdown: { signal: "SIGTERM" as const, timeout: 30_000 },
  };
}

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  // One learner at a time: the cluster is shared and the machine has two cores.
  workers: 1,
  fullyParallel: false,
  forbidOnly: isCI,
  retries: 0,
  timeout: 240_000,
  expect: { timeout: 30_000 },
  globalSetup: "./e2e/global-setup.ts",
  globalTeardown: "./e2e/global-teardown.ts",
  reporter: [
    ["list"],
    ["html", { outputFolder: "playwright-report", open: "never" }],
    ["json", { outputFile: "test-results/e2e.json" }],
  ],
  outputDir: "test-results/e2e-artifacts",
  use: {
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    { name: "sqlite", use: { baseURL: `http://127.0.0.1:${PORT}` }, metadata: { database: databases.sqlite } },
    { name: "postgres", use: { baseURL: `http://127.0.0.1:${POSTGRES_SERVER_PORT}` }, grep: /@both-databases/, metadata: { database: databases.postgres } },
  ],
  webServer: [webServer("sqlite", PORT), webServer("postgres", POSTGRES_SERVER_PORT)],
});
