/**
 * Cleans up by label: every namespace a test run creates carries `kubequest.dev/test-run=<id>`
 * (test servers put it on learner environments through KUBEQUEST_TEST_RUN, tests put it on
 * their scratch namespaces through `testNamespaceLabels`), and the suites' global teardowns
 * delete exactly those, whatever happened to the tests, so a crashed test or an `afterAll`
 * that never ran leaves nothing behind. Other people's runs on a shared cluster carry other
 * ids and are left alone; a developer's real environments carry none.
 */
import { createKubeAdapter } from "../../server/kubernetes/kube-client";
import { testRunSelector } from "./test-run-id";

/**
 * Deletes every namespace labelled with `runId` (without waiting for them to go) and returns
 * their names. Errors are not swallowed: a teardown that could not clean up must say so.
 */
export async function deleteTestRunNamespaces(runId: string): Promise<string[]> {
  const kube = createKubeAdapter();
  const labelled = await kube.listNamespaces(testRunSelector(runId));
  const left = labelled.filter((ns) => !ns.deleting);
  await Promise.all(left.map((ns) => kube.deleteNamespace(ns.name, { wait: false })));
  return left.map((ns) => ns.name);
}

/** The teardown both suites run: deletes the run's namespaces and says how many. */
export async function cleanUpTestRun(suite: string, runId: string): Promise<void> {
  const deleted = await deleteTestRunNamespaces(runId);
  console.log(`[${suite}] teardown: deleted ${deleted.length} namespace(s) labelled ${testRunSelector(runId)}${deleted.length > 0 ? `: ${deleted.join(", ")}` : ""}`);
}
