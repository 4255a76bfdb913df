// A Playwright project whose global set-up throws before any test runs.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: ".",
  testMatch: "*.case.ts",
  globalSetup: "./global-setup.ts",
  workers: 1,
  reporter: [["list"]],
  outputDir: "/tmp/kubequest-fixture-playwright-artifacts",
});
