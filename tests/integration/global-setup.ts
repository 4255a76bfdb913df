// Brings the kind cluster up (or reuses the one `npm test` brought up) before the integration suite, through the
// same code path as `npm run cluster:up`, and points every test at its kubeconfig. Every namespace the run
// creates is labelled with its id, and the teardown deletes them all, whatever happened to the tests.
import { ensureTestRunId } from "../support/test-run-id";
import { cleanUpTestRun } from "../support/test-run-namespaces";
import { clusterForTests } from "../../cluster-kit/cluster";

export default async function setup(): Promise<(() => Promise<void>) | void> {
  // Listing tests (`vitest list`, as npm test does before any stage) imports the files only:
  // it needs no cluster, and must not build one before the cluster stage.
  if (process.env.KUBEQUEST_LISTING_TESTS === "1") return;
  const info = await clusterForTests();
  process.env.KUBECONFIG = info.kubeconfig;
  const runId = ensureTestRunId("it");
  return () => cleanUpTestRun("integration", runId);
}
