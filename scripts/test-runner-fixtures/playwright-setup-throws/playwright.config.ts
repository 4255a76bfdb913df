// A Playwright project whose global set-up throws before any test runs.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: ".",
  testMatch: "*.case.ts",
  globalSetup: "./global-setup.ts",
  workers: 1,
  // The JSON report goes where PLAYWRIGHT_JSON_OUTPUT_FILE says (the orchestrator sets it).
  reporter: [["list"], ["json"]],
  // The orchestrator's tests pass --output, so that runs side by side never share it.
  outputDir: "test-results",
});
