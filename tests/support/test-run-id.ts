/**
 * The id of a test run (KUBEQUEST_TEST_RUN) and the labels it puts on what the run creates in the
 * cluster, kept apart from the deletion code so that playwright.config.ts, loaded by every
 * worker, does not load the Kubernetes client.
 */
import { randomBytes } from "node:crypto";
import { testRunFrom } from "../../server/config/server-config";
import { LABELS, testRunLabels } from "../../server/environments/environment-naming";

/**
 * This run's id, made once by the first global set-up and passed to every worker and server
 * through the environment. `prefix` says which suite made it ("it", "e2e").
 */
export function ensureTestRunId(prefix: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!env.KUBEQUEST_TEST_RUN) env.KUBEQUEST_TEST_RUN = `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  testRunFrom(env); // refuses an id that cannot be a label value, before anything is created
  return env.KUBEQUEST_TEST_RUN;
}

/** The labels of a scratch namespace a test creates itself. */
export function testNamespaceLabels(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const run = env.KUBEQUEST_TEST_RUN;
  if (!run) throw new Error("KUBEQUEST_TEST_RUN is not set: run this test through its suite (npx vitest run --project integration), whose global set-up sets it.");
  return { "kubequest.dev/test": "true", ...testRunLabels(testRunFrom(env)) };
}

/** The selector of every namespace a run created. */
export function testRunSelector(runId: string): string {
  return `${LABELS.testRun}=${runId}`;
}
