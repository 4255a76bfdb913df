/**
 * The grader's own vantage point inside the cluster: a pod running the toolbox image in the
 * `kubequest-system` namespace. Learners' ServiceAccounts can reach nothing there, so they
 * cannot tamper with the tools that gather evidence (their own toolbox is theirs to break).
 * DNS and Redis probes go to the learner's pods from here, as any in-cluster client would.
 *
 * The pod runs the probe as an agent (`kubequest-probe --serve`) that the grader asks over the
 * API server's pod proxy (probe.ts); it answers only requests carrying the token of the Secret
 * made here, which learners cannot read.
 */
import { createHash, randomBytes } from "node:crypto";
import { KubeError, type KubeAdapter } from "../kubernetes/kube-adapter";
import type { KubeObject } from "../../lib/levels/kube-object";
import { GraderInfrastructureError } from "./grade-failure";

export const GRADER_NAMESPACE = "kubequest-system";
export const PROBE_POD = "grader-probe";
/** Keep in step with LEVEL_IMAGES in cluster-kit/kit-config.ts. */
export const PROBE_IMAGE = "kubequest/toolbox:1.34.4-3";
/** Where the probe agent listens in its pod (reached through the API server only). */
export const PROBE_PORT = 8080;
/** The Secret holding the agent's token (key `token`), made once per cluster. */
export const PROBE_TOKEN_SECRET = "grader-probe-token";

const probePodTemplate: KubeObject = {
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
        command: ["kubequest-probe", "--serve", `:${PROBE_PORT}`],
        env: [{ name: "KUBEQUEST_PROBE_TOKEN", valueFrom: { secretKeyRef: { name: PROBE_TOKEN_SECRET, key: "token" } } }],
        ports: [{ name: "probe", containerPort: PROBE_PORT }],
        // kubelet asks the agent over HTTP: no process started in the container.
        readinessProbe: { httpGet: { path: "/healthz", port: PROBE_PORT }, periodSeconds: 5, timeoutSeconds: 2 },
        // Generous CPU: a class's grades arrive together and each answers many questions side
        // by side. It is our pod, idle between grades.
        resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "2", memory: "256Mi" } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
      },
    ],
  },
};

/** A hash of the pod's spec, kept as a label: a pod made from an older spec is replaced. */
const SPEC_LABEL = "kubequest.dev/spec-hash";
const specHash = createHash("sha256").update(JSON.stringify(probePodTemplate)).digest("hex").slice(0, 16);

/** The probe pod named `name` (the server's is PROBE_POD; tests use pods of their own). */
function probePodNamed(name: string, token: string): KubeObject {
  const pod = structuredClone(probePodTemplate);
  pod.metadata.name = name;
  (pod.metadata.labels as Record<string, string>)[SPEC_LABEL] = expectedSpecLabel(token);
  return pod;
}

/** How long a newly started probe pod waits for the network policy enforcer to learn its address. */
export const NEW_PROBE_POD_SETTLE_MS = 6_000;

export interface EnsureProbePodOptions {
  /** How long the pod may take to be ready (a grade passes what is left of its check's budget). */
  timeoutMs?: number;
  /** The probe pod (the server's is PROBE_POD; tests use pods of their own). */
  name?: string;
  /** The wait after a new pod is ready (NEW_PROBE_POD_SETTLE_MS; unit tests, with no enforcer, pass 0). */
  settleMs?: number;
}

/** Per probe pod name: the promise that it runs (created once, re-created if it vanished), with the token it answers to. */
const ready = new Map<string, Promise<string>>();

/** The agent's token: read from its Secret, or made (32 random bytes) when the cluster has none. */
async function probeToken(kube: KubeAdapter): Promise<string> {
  const secret = () =>
    kube.ensureSecret(GRADER_NAMESPACE, PROBE_TOKEN_SECRET, { "app.kubernetes.io/part-of": "kubequest" }, () => ({
      token: randomBytes(32).toString("hex"),
    }));
  // The namespace is made only when it is missing (a new cluster), not on every look at the pod.
  const data = await secret().catch(async (err: unknown) => {
    if (!(err instanceof KubeError) || err.code !== "not-found") throw err;
    await kube.ensureNamespace(GRADER_NAMESPACE, { "app.kubernetes.io/managed-by": "kubequest" });
    return secret();
  });
  if (!data.token || data.token.length < 16) throw new GraderInfrastructureError(`the secret ${GRADER_NAMESPACE}/${PROBE_TOKEN_SECRET} holds no usable token; delete it and grade again`);
  return data.token;
}

/** The pod's spec label: the template's hash and the token's, so a new token replaces the pod too. */
function expectedSpecLabel(token: string): string {
  return createHash("sha256").update(specHash).update(token).digest("hex").slice(0, 16);
}

/**
 * Makes sure the probe pod runs, waiting at most `timeoutMs` (a grade passes what is left of
 * its check's budget, so a pod that cannot come up turns into a bounded error).
 */
export function ensureProbePod(kube: KubeAdapter, opts: EnsureProbePodOptions = {}): Promise<string> {
  const { timeoutMs = 60_000, name = PROBE_POD, settleMs = NEW_PROBE_POD_SETTLE_MS } = opts;
  let promise = ready.get(name);
  if (promise) return promise;
  promise = (async () => {
    const deadline = Date.now() + timeoutMs;
    const token = await probeToken(kube);
    let existing = await kube.getPod(GRADER_NAMESPACE, name);
    const current = existing?.labels[SPEC_LABEL] === expectedSpecLabel(token);
    if (existing?.ready && !existing.deleting && current) return token;
    if (existing && !current && !existing.deleting) await kube.deletePod(GRADER_NAMESPACE, name);
    // Wait for an outdated or departing pod to be gone before making the new one.
    while (existing && (!current || existing.deleting)) {
      if (Date.now() > deadline) throw new GraderInfrastructureError(`the old grader probe pod ${GRADER_NAMESPACE}/${name} did not go away`);
      await new Promise((r) => setTimeout(r, 300));
      existing = await kube.getPod(GRADER_NAMESPACE, name);
    }
    if (!existing) await kube.apply(GRADER_NAMESPACE, [probePodNamed(name, token)]);
    for (;;) {
      const pod = await kube.getPod(GRADER_NAMESPACE, name);
      if (pod?.ready) {
        // A NetworkPolicy enforcer (kube-router) admits a new pod's address into the learners'
        // allow-lists only at its next sync, a few seconds after the pod appears: a probe sent
        // before that reads "connection refused" from every learner pod and would fail a correct
        // fix. Seen in grading-under-load's recovery grade; only a new probe pod pays this.
        if (settleMs > 0) await new Promise((r) => setTimeout(r, Math.max(0, Math.min(settleMs, deadline - Date.now()))));
        return token;
      }
      if (Date.now() > deadline) {
        throw new GraderInfrastructureError(
          `the grader's probe pod ${GRADER_NAMESPACE}/${name} is not ready after ${Math.round(timeoutMs / 1000)} s (status: ${pod?.status ?? "missing"}); is the image ${PROBE_IMAGE} loaded? Run npm run cluster:up`,
        );
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  })();
  ready.set(name, promise);
  promise.catch(() => {
    if (ready.get(name) === promise) ready.delete(name);
  });
  return promise;
}

/** Forget the cached state (after the pod was found gone). */
export function resetProbePodCache(name = PROBE_POD): void {
  ready.delete(name);
}
