/**
 * The grader's own vantage point inside the cluster: a pod running the toolbox image in the
 * `kubequest-system` namespace. Learners' ServiceAccounts can reach nothing there, so they
 * cannot tamper with the tools that gather evidence (their own toolbox is theirs to break).
 * DNS and Redis probes go to the learner's pods from here, as any in-cluster client would.
 */
import { createHash } from "node:crypto";
import type { KubeAdapter } from "../kubernetes/kube-adapter";
import type { KubeObject } from "../../lib/levels/kube-object";

export const GRADER_NAMESPACE = "kubequest-system";
export const PROBE_POD = "grader-probe";
/** Keep in step with LEVEL_IMAGES in cluster-kit/kit-config.ts. */
export const PROBE_IMAGE = "kubequest/toolbox:1.34.4-2";

const probePod: KubeObject = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: PROBE_POD, labels: { "app.kubernetes.io/part-of": "kubequest", "kubequest.dev/role": "grader-probe" } },
  spec: {
    automountServiceAccountToken: false,
    terminationGracePeriodSeconds: 1,
    securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
    containers: [
      {
        name: "probe",
        image: PROBE_IMAGE,
        imagePullPolicy: "IfNotPresent",
        command: ["sleep", "infinity"],
        // Generous CPU: a grade's probes run side by side and jq starts once per probe; a
        // tight quota made a grade several times slower. It is our pod, idle between grades.
        resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "2", memory: "256Mi" } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
      },
    ],
    volumes: [{ name: "tmp", emptyDir: {} }],
  },
};

/** A hash of the pod's spec, kept as a label: a pod made from an older spec is replaced. */
const SPEC_LABEL = "kubequest.dev/spec-hash";
const specHash = createHash("sha256").update(JSON.stringify(probePod)).digest("hex").slice(0, 16);
(probePod.metadata.labels as Record<string, string>)[SPEC_LABEL] = specHash;

let ready: Promise<void> | undefined;

/** Makes sure the probe pod runs (created once per server, re-created if it vanished). */
export function ensureProbePod(kube: KubeAdapter, timeoutMs = 60_000): Promise<void> {
  ready ??= (async () => {
    const deadline = Date.now() + timeoutMs;
    let existing = await kube.getPod(GRADER_NAMESPACE, PROBE_POD);
    const current = existing?.labels[SPEC_LABEL] === specHash;
    if (existing?.ready && !existing.deleting && current) return;
    if (existing && !current && !existing.deleting) await kube.deletePod(GRADER_NAMESPACE, PROBE_POD);
    // Wait for an outdated or departing pod to be gone before making the new one.
    while (existing && (!current || existing.deleting)) {
      if (Date.now() > deadline) throw new Error(`the old grader probe pod ${GRADER_NAMESPACE}/${PROBE_POD} did not go away`);
      await new Promise((r) => setTimeout(r, 300));
      existing = await kube.getPod(GRADER_NAMESPACE, PROBE_POD);
    }
    await kube.ensureNamespace(GRADER_NAMESPACE, { "app.kubernetes.io/managed-by": "kubequest" });
    if (!existing) await kube.apply(GRADER_NAMESPACE, [structuredClone(probePod)]);
    for (;;) {
      const pod = await kube.getPod(GRADER_NAMESPACE, PROBE_POD);
      if (pod?.ready) return;
      if (Date.now() > deadline) {
        throw new Error(
          `the grader's probe pod ${GRADER_NAMESPACE}/${PROBE_POD} is not ready after ${timeoutMs / 1000} s (status: ${pod?.status ?? "missing"}); is the image ${PROBE_IMAGE} loaded? Run npm run cluster:up`,
        );
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  })();
  ready.catch(() => {
    ready = undefined;
  });
  return ready;
}

/** Forget the cached state (after the pod was found gone). */
export function resetProbePodCache(): void {
  ready = undefined;
}
