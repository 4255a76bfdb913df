// Proof that the cluster kit's cluster really works: control plane, DNS, kube-proxy,
// privileged pods, and the levels' images — all on images built on this machine.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { LEVEL_IMAGES, NODE_CONTAINER } from "../../cluster-kit/kit-config";
import { applyYaml, kubectl, scratchNamespace, waitFor } from "./support/kubectl";

const toolboxImage = LEVEL_IMAGES.find((i) => i.tag.startsWith("kubequest/toolbox"))!.tag;
const redisImage = LEVEL_IMAGES.find((i) => i.tag.startsWith("kubequest/redis"))!.tag;

describe("the kind cluster built by the cluster kit", () => {
  let ns: ReturnType<typeof scratchNamespace>;

  beforeAll(() => {
    ns = scratchNamespace("kit");
    // A headless Service with a two-pod StatefulSet (for per-pod DNS), a ClusterIP Service
    // in front of one Redis pod (for kube-proxy), and a client pod with DNS tools.
    applyYaml(
      ns.name,
      `
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  clusterIP: None
  selector: { app: web }
  ports: [{ port: 6379, name: redis }]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: web }
spec:
  serviceName: web
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: redis
          image: ${redisImage}
          imagePullPolicy: IfNotPresent
          command: ["redis-server", "--protected-mode", "no", "--save", ""]
---
apiVersion: v1
kind: Service
metadata: { name: cache }
spec:
  selector: { app: cache }
  ports: [{ port: 6379, targetPort: 6379 }]
---
apiVersion: v1
kind: Pod
metadata: { name: cache, labels: { app: cache } }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: redis
      image: ${redisImage}
      imagePullPolicy: IfNotPresent
      command: ["redis-server", "--protected-mode", "no", "--save", ""]
---
apiVersion: v1
kind: Pod
metadata: { name: client }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: toolbox
      image: ${toolboxImage}
      imagePullPolicy: IfNotPresent
      command: ["sleep", "infinity"]
`,
    );
    waitFor(ns.name, "pod/client", "condition=Ready");
    waitFor(ns.name, "pod/cache", "condition=Ready");
    kubectl(["rollout", "status", "-n", ns.name, "statefulset/web", "--timeout=120s"], { timeoutMs: 150_000 });
  });

  afterAll(() => ns?.remove());

  const inClient = (...argv: string[]) => kubectl(["exec", "-n", ns.name, "client", "--", ...argv]);

  it("has its nodes Ready: one, or as many as `cluster:up -- --nodes N` made", () => {
    const ready = kubectl(["get", "nodes", "-o", "jsonpath={.items[*].status.conditions[?(@.type=='Ready')].status}"]).split(" ");
    const containers = execFileSync("docker", ["ps", "-q", "--filter", "label=io.x-k8s.kind.cluster=kubequest"], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
    expect(ready).toEqual(containers.map(() => "True"));
  });

  it.each(["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy", "coredns"])(
    "runs %s in kube-system",
    (component) => {
      const phases = kubectl(["get", "pods", "-n", "kube-system", "-o", "jsonpath={range .items[*]}{.metadata.name}={.status.phase}{'\\n'}{end}"])
        .split("\n")
        .filter((l) => l.startsWith(`${component}-`));
      expect(phases.length).toBeGreaterThan(0);
      for (const p of phases) expect(p).toMatch(/=Running$/);
    },
  );

  it("caps every pod's processes (kubelet podPidsLimit), so one fork loop cannot starve the node", () => {
    // The limit sits on the pod's own cgroup, one level above its containers: read it on the node.
    // (kind's kubelet uses the systemd driver: ".../kubepods-besteffort-pod<uid with _>.slice".)
    const uid = kubectl(["get", "pod", "-n", ns.name, "client", "-o", "jsonpath={.metadata.uid}"]).replaceAll("-", "_");
    // kind's node containers are named after their nodes (a worker's, on a cluster of several).
    const node = kubectl(["get", "pod", "-n", ns.name, "client", "-o", "jsonpath={.spec.nodeName}"]) || NODE_CONTAINER;
    const max = execFileSync(
      "docker",
      ["exec", node, "sh", "-c", `cat "$(find /sys/fs/cgroup/pids -type d -name '*pod${uid}.slice' | sed -n 1p)/pids.max"`],
      { encoding: "utf8" },
    ).trim();
    expect(max).toBe("1024");
  });

  it("resolves kubernetes.default.svc.cluster.local from a pod", () => {
    const out = inClient("nslookup", "kubernetes.default.svc.cluster.local");
    expect(out).toMatch(/Address: 10\.96\.0\.1/);
  });

  it("resolves a headless Service's per-pod name to that pod's IP", () => {
    const podIP = kubectl(["get", "pod", "-n", ns.name, "web-1", "-o", "jsonpath={.status.podIP}"]);
    const out = inClient("nslookup", `web-1.web.${ns.name}.svc.cluster.local`);
    expect(podIP).toMatch(/^10\.244\./);
    expect(out).toContain(`Address: ${podIP}`);
  });

  it("reaches a pod through a ClusterIP Service (kube-proxy)", () => {
    const clusterIP = kubectl(["get", "svc", "-n", ns.name, "cache", "-o", "jsonpath={.spec.clusterIP}"]);
    expect(clusterIP).toMatch(/^10\.96\./);
    expect(inClient("redis-cli", "-h", clusterIP, "ping")).toBe("PONG");
    expect(inClient("redis-cli", "-h", `cache.${ns.name}.svc.cluster.local`, "ping")).toBe("PONG");
  });

  it("runs a privileged pod", () => {
    applyYaml(
      ns.name,
      `
apiVersion: v1
kind: Pod
metadata: { name: privileged }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: toolbox
      image: ${toolboxImage}
      imagePullPolicy: IfNotPresent
      command: ["sleep", "infinity"]
      securityContext: { privileged: true, runAsUser: 0 }
`,
    );
    waitFor(ns.name, "pod/privileged", "condition=Ready");
    // A privileged container may change the network stack, which an unprivileged one may not.
    const out = kubectl(["exec", "-n", ns.name, "privileged", "--", "sh", "-c", "grep CapEff /proc/self/status"]);
    const capEff = BigInt(`0x${out.split(/\s+/)[1]}`);
    const CAP_NET_ADMIN = 12n;
    expect((capEff >> CAP_NET_ADMIN) & 1n).toBe(1n);
  });

  it("starts our Redis and toolbox images", () => {
    expect(kubectl(["exec", "-n", ns.name, "web-0", "--", "redis-cli", "ping"])).toBe("PONG");
    const versions = inClient("sh", "-c", "kubectl version --client -o json | jq -r .clientVersion.gitVersion; dig -v 2>&1; redis-cli --version");
    expect(versions).toMatch(/v1\.34\./);
    expect(versions).toMatch(/DiG 9/);
    expect(versions).toMatch(/redis-cli 7/);
  });
});
