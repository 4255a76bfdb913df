/**
 * This bench run's id (KUBEQUEST_TEST_RUN, set on import and inherited by the bench's servers):
 * every environment they make carries it, and the bench counts, samples and deletes only those.
 * The cluster may be shared (another developer's tests, another bench): a bench that deleted
 * every namespace made during its run once took a neighbour's learners' environments away
 * mid-grade, and that neighbour's load figures showed a dozen wrong verdicts.
 */
import { ensureTestRunId, testRunSelector } from "../tests/support/test-run-id";

export const BENCH_RUN = ensureTestRunId("bench");

/** Selects this run's environments, with more label requirements if given. */
export function benchRunSelector(...more: string[]): string {
  return [testRunSelector(BENCH_RUN), ...more].join(",");
}
