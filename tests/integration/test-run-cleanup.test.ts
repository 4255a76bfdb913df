// The global teardowns' clean-up by label on the real cluster: it deletes every namespace of one
// run, whether or not a test got to its own clean-up, and nothing of another run or anyone else.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createKubeAdapter } from "../../server/kubernetes/kube-client";
import { testNamespaceLabels, testRunSelector } from "../support/test-run-id";
import { deleteTestRunNamespaces } from "../support/test-run-namespaces";

describe("clean-up by test-run label", () => {
  let kube: ReturnType<typeof createKubeAdapter>;

  beforeAll(() => {
    kube = createKubeAdapter();
  });

  it("deletes every namespace of the run it is given and leaves other runs' alone", async () => {
    const id = randomUUID().slice(0, 6);
    // A run of its own, so this test can delete "everything of a run" without touching the
    // rest of the suite; the neighbour belongs to the suite's run (its teardown removes it).
    const crashedRun = `it-crashed-${id}`;
    const orphans = [`kqtest-orphan-a-${id}`, `kqtest-orphan-b-${id}`];
    const neighbour = `kqtest-neighbour-${id}`;
    for (const ns of orphans) await kube.ensureNamespace(ns, { "kubequest.dev/test": "true", "kubequest.dev/test-run": crashedRun });
    await kube.ensureNamespace(neighbour, testNamespaceLabels());

    expect((await deleteTestRunNamespaces(crashedRun)).sort()).toEqual([...orphans].sort());
    const left = await kube.listNamespaces(testRunSelector(crashedRun));
    expect(left.every((ns) => ns.deleting)).toBe(true);
    const suiteRun = await kube.listNamespaces(testRunSelector(process.env.KUBEQUEST_TEST_RUN!));
    expect(suiteRun.find((ns) => ns.name === neighbour)?.deleting).toBe(false);
  });
});
