// Deletes every namespace this browser run created (labelled with its KUBEQUEST_TEST_RUN by the
// server playwright.config.ts starts), whatever the tests did: a test that died before its own
// cleanup leaves nothing behind on the shared cluster.
import { cleanUpTestRun } from "../tests/support/test-run-namespaces";

export default async function globalTeardown(): Promise<void> {
  const runId = process.env.KUBEQUEST_TEST_RUN;
  if (!runId) throw new Error("KUBEQUEST_TEST_RUN is not set, so the run's namespaces cannot be found: playwright.config.ts sets it.");
  await cleanUpTestRun("e2e", runId);
}
