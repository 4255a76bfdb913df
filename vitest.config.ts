import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Two suites started by the same command: fast unit tests beside the code, and integration
// tests against the real kind cluster (slow, one file at a time: they share the cluster).
export default defineConfig({
  resolve: {
    // Mirrors tsconfig's "@/*" path.
    alias: { "@": path.dirname(fileURLToPath(import.meta.url)) },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          // .stryker-tmp: the sandbox copies of an interrupted `npm run test:mutation`.
          exclude: ["tests/integration/**", "e2e/**", "node_modules/**", ".next/**", ".stryker-tmp/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          // Brings the kind cluster up, or reuses it, exactly as `npm run cluster:up` does.
          globalSetup: ["tests/integration/global-setup.ts"],
          testTimeout: 600_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
