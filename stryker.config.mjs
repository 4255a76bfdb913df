// @ts-check
/**
 * Mutation testing of the grader's checks: `npm run test:mutation`. Stryker changes the code of
 * server/grader/checks/ one small way at a time (a condition flipped, a branch removed, a
 * message emptied) and runs the unit tests that cover the change. A change no test notices
 * ("survived") is behaviour no test pins down: a check that could always pass, always fail or
 * skip a condition without anyone knowing. A verdict is only as good as the tests that have
 * seen it fail. Minutes, not seconds, so it is not part of `npm test`.
 *
 * Why these settings: vitest.mutation.config.ts is the unit project alone (the integration
 * project would start the kind cluster); at most two workers, since the machine has two cores
 * and may be running a cluster (`--concurrency 1` when it is busy); the test-fixtures/ folder
 * holds recordings, not checks; below 85 % the run fails, as issue 11 asks.
 * Reports (HTML and JSON) go to reports/mutation/, which git ignores.
 */
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
const config = {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts" },
  mutate: ["server/grader/checks/**/*.ts", "!server/grader/checks/**/*.test.ts", "!server/grader/checks/test-fixtures/**"],
  coverageAnalysis: "perTest",
  concurrency: 2,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 90, low: 85, break: 85 },
  // The sandbox copies the repository: leave out what no unit test of the grader reads.
  ignorePatterns: ["/data", "/.next", "/public/monaco", "/test-results", "/playwright-report", "/bench/results", "/installation-reports", "/reports"],
};
export default config;
