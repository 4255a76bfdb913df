// Proof that NetworkPolicy is really enforced on the shared cluster: two learners' namespaces,
// each with a Redis server and a client, under the default-deny policy a learner namespace gets,
// and a third namespace without any policy to tell the ingress and egress halves apart.
// Learner A must not reach learner B's Redis (issue 10: A could PING, SET and SHUTDOWN it),
// while traffic inside a namespace, DNS, the API server and the grader's probe from
// kubequest-system keep working. Without an enforcer (plain ptp CNI) the policy is accepted and
// ignored: the cross-namespace case then answers PONG and this file fails.
// On a cluster of several nodes (`cluster:up -- --nodes 3`) every Redis runs on one node and
// every client (and the grader's pod) on another, so each path below crosses nodes: allowed
// traffic proves the routes and that pod source IPs survive (the policies match on them).
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LEVEL_IMAGES } from "../../cluster-kit/kit-config";
import { ensureProbePod, PROBE_POD, PROBE_PORT } from "../../server/grader/probe-pod";
import { createKubeAdapter } from "../../server/kubernetes/kube-client";
import { applyYaml, kubectl, scratchNamespace, waitFor } from "./support/kubectl";

const toolboxImage = LEVEL_IMAGES.find((i) => i.tag.startsWith("kubequest/toolbox"))!.tag;
const redisImage = LEVEL_IMAGES.find((i) => i.tag.startsWith("kubequest/redis"))!.tag;
/** Where the grader's probe runs (server/grader/probe-pod.ts); we add a pod of our own there. */
const GRADER_NAMESPACE = "kubequest-system";

/** Where the servers and the clients run: two different nodes when the cluster has two that take pods. */
interface Placement {
  servers?: string;
  clients?: string;
}

/** `nodeSelector` pinning a pod to `node`, or nothing. */
const pinTo = (node: string | undefined) => (node ? `  nodeSelector: { kubernetes.io/hostname: ${node} }\n` : "");

/** Nodes a plain pod can be scheduled to (no NoSchedule/NoExecute taint, not cordoned), by name. */
function podNodes(): string[] {
  const out = kubectl(["get", "nodes", "-o", "jsonpath={range .items[*]}{.metadata.name} {.spec.unschedulable} {.spec.taints[*].effect}{'\\n'}{end}"]);
  return out
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter(([name, ...rest]) => name && !rest.some((w) => w === "true" || w === "NoSchedule" || w === "NoExecute"))
    .map(([name]) => name!)
    .sort();
}

/** A learner namespace's workload: a Redis server behind a Service, and a client shell. */
const learnerWorkload = (placement: Placement) => `
apiVersion: v1
kind: Pod
metadata: { name: redis, labels: { app: redis } }
spec:
  terminationGracePeriodSeconds: 1
${pinTo(placement.servers)}  containers:
    - name: redis
      image: ${redisImage}
      imagePullPolicy: IfNotPresent
      command: ["redis-server", "--protected-mode", "no", "--save", ""]
---
apiVersion: v1
kind: Service
metadata: { name: redis }
spec:
  selector: { app: redis }
  ports: [{ port: 6379, targetPort: 6379 }]
---
apiVersion: v1
kind: Pod
metadata: { name: client }
spec:
  terminationGracePeriodSeconds: 1
${pinTo(placement.clients)}  containers:
    - name: toolbox
      image: ${toolboxImage}
      imagePullPolicy: IfNotPresent
      command: ["sleep", "infinity"]
`;

/**
 * The default-deny policy of a learner namespace: everything inside the namespace, DNS to
 * kube-system, the API server, and ingress from the grader's namespace. Policies see traffic
 * after kube-proxy's DNAT, so the API server is allowed at its endpoint (node IP:6443), not at
 * the `kubernetes` Service's cluster IP.
 */
function learnerPolicy(apiServer: { ip: string; port: number }): string {
  return `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: learner-isolation }
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  ingress:
    - from: [{ podSelector: {} }]
    - from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: ${GRADER_NAMESPACE} } } }]
  egress:
    - to: [{ podSelector: {} }]
    - to:
        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } }
          podSelector: { matchLabels: { k8s-app: kube-dns } }
      ports: [{ protocol: UDP, port: 53 }, { protocol: TCP, port: 53 }]
    - to: [{ ipBlock: { cidr: ${apiServer.ip}/32 } }]
      ports: [{ protocol: TCP, port: ${apiServer.port} }]
`;
}

/** Runs a command in a pod; returns its output and whether it exited 0 (never throws on exit). */
function execIn(namespace: string, pod: string, script: string): { ok: boolean; out: string } {
  try {
    return { ok: true, out: kubectl(["exec", "-n", namespace, pod, "--", "sh", "-c", script], { timeoutMs: 60_000 }) };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, out: `${e.stdout ?? ""}${e.stderr ?? ""}`.trim() };
  }
}

/**
 * A PING with a deadline: a dropped SYN must fail in seconds, not hang the suite (kube-router
 * rejects at once). 10 s, not less: under a load average of 85 a legitimate PING took seconds.
 */
const ping = (host: string) => `timeout 10 redis-cli -h ${host} ping`;

/** Polls until `check` holds: the enforcer programs rules asynchronously after an API change. */
async function eventually(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: still not so after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe("network isolation between learners (NetworkPolicy enforced)", () => {
  let a: ReturnType<typeof scratchNamespace>;
  let b: ReturnType<typeof scratchNamespace>;
  /** No policy at all: an outsider, as any namespace a learner does not own. */
  let open: ReturnType<typeof scratchNamespace>;
  const graderPod = `kqtest-netiso-probe-${randomBytes(3).toString("hex")}`;
  let redisB = "";
  let redisOpen = "";
  let placement: Placement = {};

  beforeAll(async () => {
    const nodes = podNodes();
    if (nodes.length >= 2) placement = { servers: nodes[0], clients: nodes[1] };
    a = scratchNamespace("netiso-a");
    b = scratchNamespace("netiso-b");
    open = scratchNamespace("netiso-open");
    for (const ns of [a, b, open]) applyYaml(ns.name, learnerWorkload(placement));
    // The grader's namespace may not exist yet on a fresh cluster (the server makes it on its
    // first grade); we create it if needed and never delete it: it is not ours.
    try {
      kubectl(["get", "namespace", GRADER_NAMESPACE]);
    } catch {
      kubectl(["create", "namespace", GRADER_NAMESPACE]);
    }
    applyYaml(
      GRADER_NAMESPACE,
      `
apiVersion: v1
kind: Pod
metadata: { name: ${graderPod}, labels: { kubequest.dev/test: "true" } }
spec:
  terminationGracePeriodSeconds: 1
  automountServiceAccountToken: false
${pinTo(placement.clients)}  containers:
    - name: toolbox
      image: ${toolboxImage}
      imagePullPolicy: IfNotPresent
      command: ["sleep", "infinity"]
`,
    );
    for (const ns of [a, b, open]) {
      waitFor(ns.name, "pod/redis", "condition=Ready");
      waitFor(ns.name, "pod/client", "condition=Ready");
    }
    waitFor(GRADER_NAMESPACE, `pod/${graderPod}`, "condition=Ready");
    redisB = kubectl(["get", "pod", "-n", b.name, "redis", "-o", "jsonpath={.status.podIP}"]);
    redisOpen = kubectl(["get", "pod", "-n", open.name, "redis", "-o", "jsonpath={.status.podIP}"]);
    expect(redisB).toMatch(/^10\.244\./);

    // Before any policy the network path exists: a refusal later is the policy's doing, not a
    // pod that is not listening yet.
    expect(execIn(a.name, "client", ping(redisB)), "A reaches B before any policy").toEqual({ ok: true, out: "PONG" });
    expect(execIn(a.name, "client", ping(redisOpen)), "A reaches the open namespace before any policy").toEqual({
      ok: true,
      out: "PONG",
    });

    const endpoint = kubectl([
      "get",
      "endpointslices",
      "-n",
      "default",
      "-l",
      "kubernetes.io/service-name=kubernetes",
      "-o",
      "jsonpath={.items[0].endpoints[0].addresses[0]} {.items[0].ports[0].port}",
    ]).split(" ");
    const apiServer = { ip: endpoint[0] ?? "", port: Number(endpoint[1]) };
    expect(apiServer.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    for (const ns of [a, b]) applyYaml(ns.name, learnerPolicy(apiServer));
  });

  afterAll(() => {
    a?.remove();
    b?.remove();
    open?.remove();
    try {
      kubectl(["delete", "pod", "-n", GRADER_NAMESPACE, graderPod, "--wait=false"]);
    } catch {
      // already gone
    }
  });

  it("has a NetworkPolicy enforcer running on every node", () => {
    // The offline kit's kube-router; on the online path, kind's kindnetd enforces policies itself.
    const kubeRouter = kubectl(["get", "daemonset", "-n", "kube-system", "-l", "k8s-app in (kube-router,kindnet)", "-o", "jsonpath={range .items[*]}{.metadata.name} {.status.numberReady}/{.status.desiredNumberScheduled}{'\\n'}{end}"]);
    expect(kubeRouter, "no kube-router or kindnet DaemonSet in kube-system: run npm run cluster:up").not.toBe("");
    for (const line of kubeRouter.split("\n")) {
      const [ready, desired] = (line.split(" ")[1] ?? "").split("/");
      expect(Number(ready), line).toBeGreaterThan(0);
      expect(ready, line).toBe(desired);
    }
  });

  it("on a cluster of several nodes, runs every server on one node and every client on another", () => {
    const nodeOf = (ns: string, pod: string) => kubectl(["get", "pod", "-n", ns, pod, "-o", "jsonpath={.spec.nodeName}"]);
    if (!placement.servers) return; // one node: nothing to cross
    for (const ns of [a, b, open]) {
      expect(nodeOf(ns.name, "redis")).toBe(placement.servers);
      expect(nodeOf(ns.name, "client")).toBe(placement.clients);
    }
    expect(nodeOf(GRADER_NAMESPACE, graderPod)).toBe(placement.clients);
  });

  it("stops learner A from reaching learner B's Redis by pod IP", async () => {
    await eventually("A's PING to B's Redis fails", () => !execIn(a.name, "client", ping(redisB)).ok);
    // Stays blocked: not a blip while rules were being rewritten.
    for (let i = 0; i < 3; i++) {
      const r = execIn(a.name, "client", ping(redisB));
      expect(r.ok, `A's PING to B's Redis at ${redisB} answered: ${r.out}`).toBe(false);
      expect(r.out).not.toContain("PONG");
    }
  });

  it("stops learner A from reaching learner B's Redis through its Service", () => {
    const r = execIn(a.name, "client", ping(`redis.${b.name}.svc.cluster.local`));
    expect(r.ok, r.out).toBe(false);
    expect(r.out).not.toContain("PONG");
  });

  it("keeps traffic inside a learner's namespace working, by pod IP and by Service", () => {
    expect(execIn(b.name, "client", ping(redisB))).toEqual({ ok: true, out: "PONG" });
    expect(execIn(b.name, "client", ping(`redis.${b.name}.svc.cluster.local`))).toEqual({ ok: true, out: "PONG" });
    expect(execIn(a.name, "client", ping("redis"))).toEqual({ ok: true, out: "PONG" });
  });

  it("keeps DNS working, for names in other namespaces too", () => {
    const own = execIn(a.name, "client", "dig +short +time=3 +tries=2 kubernetes.default.svc.cluster.local");
    expect(own).toEqual({ ok: true, out: "10.96.0.1" });
    // A may resolve B's names (DNS is not the boundary); it just cannot connect.
    const other = execIn(a.name, "client", `dig +short +time=3 +tries=2 redis.${b.name}.svc.cluster.local`);
    expect(other.ok, other.out).toBe(true);
    expect(other.out).toMatch(/^10\.96\./);
  });

  it("keeps the API server reachable from a learner's pod", () => {
    // Through the `kubernetes` Service, as kubectl in a learner's toolbox goes; /version is
    // open to anonymous clients, so the answer proves the path, whatever the pod's RBAC.
    const r = execIn(a.name, "client", "curl -sS -k --max-time 5 https://kubernetes.default.svc/version");
    expect(r.ok, r.out).toBe(true);
    expect(r.out).toContain('"gitVersion"');
  });

  it("lets the grader's probe in kubequest-system reach a learner's Redis", () => {
    expect(execIn(GRADER_NAMESPACE, graderPod, ping(redisB))).toEqual({ ok: true, out: "PONG" });
  });

  it("keeps the grader's probe agent out of a learner's reach (the open namespace can reach it, and is refused without the token)", async () => {
    await ensureProbePod(createKubeAdapter(), { timeoutMs: 120_000 });
    const ip = kubectl(["get", "pod", "-n", GRADER_NAMESPACE, PROBE_POD, "-o", "jsonpath={.status.podIP}"]);
    const url = `http://${ip}:${PROBE_PORT}`;
    const fromA = execIn(a.name, "client", `curl -sS --max-time 5 ${url}/healthz`);
    expect(fromA.ok, `A reached the probe agent: ${fromA.out}`).toBe(false);
    // Without A's egress policy the port answers: the policy, not chance, keeps A out.
    expect(execIn(open.name, "client", `curl -sS --max-time 5 ${url}/healthz`)).toEqual({ ok: true, out: "ok" });
    const stranger = execIn(open.name, "client", `curl -sS --max-time 5 -w ' %{http_code}' -d '{"args":["--nslookup","kubernetes.default.svc.cluster.local."]}' ${url}/probe`);
    expect(stranger.out).toMatch(/"kind":"usage-error"[\s\S]* 401$/);
  });

  it("guards a learner's pods on the way in: an outsider cannot reach them", () => {
    // B's ingress rules alone stop this: the open namespace has no policy of its own.
    const r = execIn(open.name, "client", ping(redisB));
    expect(r.ok, `the open namespace's PING to B's Redis answered: ${r.out}`).toBe(false);
    expect(execIn(open.name, "client", ping("redis"))).toEqual({ ok: true, out: "PONG" });
  });

  it("guards a learner's pods on the way out: they cannot reach an outsider", () => {
    // A's egress rules alone stop this: the open namespace accepts anything.
    const r = execIn(a.name, "client", ping(redisOpen));
    expect(r.ok, `A's PING to the open namespace's Redis answered: ${r.out}`).toBe(false);
  });
});
