/**
 * The vitest run that `npm run test:mutation` (stryker.config.mjs) drives: the unit project of
 * vitest.config.ts alone, narrowed to the grader's tests. Stryker's vitest runner cannot pick a
 * project from the shared config, and loading that config would also load the integration
 * project, whose global set-up brings the kind cluster up. The grader's tests are the ones that
 * exercise server/grader/checks/; the rest of the unit suite would only slow every mutant down.
 */
import { defineConfig } from "vitest/config";
import shared from "./vitest.config";

export default defineConfig({
  resolve: shared.resolve,
  test: {
    name: "unit",
    include: ["server/grader/**/*.test.ts"],
  },
});
