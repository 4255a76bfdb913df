/**
 * End-to-end tests: a real Chromium (Debian's, never a downloaded one) against the real
 * server (production build) and the real kind cluster.
 */
import { defineConfig } from "@playwright/test";
import { ensureTestRunId } from "./tests/support/test-run-id";

const PORT = Number(process.env.E2E_PORT ?? 3100);
const isCI = Boolean(process.env.CI);
// Set here, before the web server starts (it inherits it and labels every environment it makes);
// workers load this file again but inherit the runner's id. The global teardown deletes by it.
ensureTestRunId("e2e");

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
    baseURL: `http://127.0.0.1:${PORT}`,
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
  webServer: {
    command: "node --import tsx server/main.ts",
    url: `http://127.0.0.1:${PORT}/`,
    env: { PORT: String(PORT), HOST: "127.0.0.1", NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", KUBEQUEST_WARM_POOL: process.env.KUBEQUEST_WARM_POOL ?? "0" },
    reuseExistingServer: !isCI,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
  },
});
