// A curious student against the fences of their namespace, on the real cluster: the editor's
// socket events refuse what the level does not need and act with the learner's own rights;
// KubeQuest's admission policies refuse externalIPs, NodePort and LoadBalancer Services,
// hostPath and host namespaces, from the editor and from the learner's own kubectl in the
// toolbox; the quota stops a loop of ConfigMaps; Pod Security "restricted" refuses a root pod.
// Level 30's real fix through the editor, and its grading, are covered by socket-server.test.ts
// and level-30-grading.test.ts, which run under the same fences.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApplyOutcome, EnvironmentStatus, Result } from "../../lib/protocol/socket-events";
import { environmentNamespace } from "../../server/environments/environment-naming";
import { API_SERVER_POLICY, readAdmissionPolicies } from "../../server/environments/learner-fences";
import { KubeError } from "../../server/kubernetes/kube-adapter";
import type { KubeAdapter } from "../../server/kubernetes/kube-adapter";
import { createKubeAdapter } from "../../server/kubernetes/kube-client";
import { getLevelCatalog } from "../../server/levels/level-catalog";
import { SESSION_COOKIE } from "../../server/session/anonymous-session";
import { parseKubeObjects } from "../../server/levels/level-yaml";
import { applyLearnerYaml } from "../../server/yaml/learner-yaml";
import { kubectl, scratchNamespace } from "./support/kubectl";
import { ask, startTestServer, type TestServer, type TestSocket } from "./support/test-server";

const LEVEL = "headless-statefulset-dns";
// Made in beforeAll, not at load: npm test lists this file's tests before the cluster exists.
let kube: KubeAdapter;
beforeAll(() => {
  kube = createKubeAdapter();
});
let server: TestServer;
let socket: TestSocket;
let namespace: string;

beforeAll(async () => {
  server = await startTestServer({ name: "kq-isolation-" });
  const res = await fetch(`${server.kq.url}/`);
  const value = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(res.headers.get("set-cookie") ?? "")?.[1];
  if (!value) throw new Error("no session cookie");
  const learner = (await server.kq.services.accounts.resolveSession(server.signer.verify(value)!)).learner.id;
  namespace = environmentNamespace(learner, (await getLevelCatalog()).get(LEVEL)!.manifest.number);
  socket = server.socket({ cookie: `${SESSION_COOKIE}=${value}` });
  const started = await ask<EnvironmentStatus>(socket, "level:start", { levelId: LEVEL });
  expect(started).toMatchObject({ ok: true, value: { phase: "ready", namespace } });
}, 180_000);

afterAll(async () => {
  if (namespace) await kube.deleteNamespace(namespace).catch(() => undefined);
  await server?.close();
});

/** Sends YAML through the editor's apply event, as the browser does. */
const editorApply = (yaml: string): Promise<Result<ApplyOutcome>> => ask<ApplyOutcome>(socket, "yaml:apply", { levelId: LEVEL, yaml });

/** Runs bash in the learner's toolbox: their own kubectl, with their ServiceAccount's token. */
async function inToolbox(script: string, timeoutMs = 60_000): Promise<{ stdout: string; stderr: string; exitCode: number | null }> {
  return kube.exec(namespace, "toolbox", undefined, ["bash", "-c", script], { timeoutMs });
}

const externalIpService = (name: string) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector:
    app: redis
  externalIPs: ["10.244.0.99"]
  ports:
    - port: 6379
`;
const nodePortService = (name: string) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  type: NodePort
  selector:
    app: redis
  ports:
    - port: 6379
`;

describe("the editor has the learner's rights, no more", () => {
  it("refuses an EndpointSlice, a Secret and a DaemonSet, naming the kind and what to do instead", async () => {
    const cases: [string, RegExp][] = [
      [
        "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: redis-forged\n  labels:\n    kubernetes.io/service-name: redis\naddressType: IPv4\nendpoints:\n  - addresses: [\"10.244.0.99\"]\n    hostname: redis-0\n",
        /does not apply EndpointSlice objects: the control plane writes them.*Change the Service's selector/,
      ],
      ["apiVersion: v1\nkind: Secret\nmetadata:\n  name: stolen\nstringData:\n  a: b\n", /does not apply Secret objects/],
      [
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: everywhere\nspec:\n  selector:\n    matchLabels: {app: x}\n  template:\n    metadata:\n      labels: {app: x}\n    spec:\n      containers:\n        - name: c\n          image: kubequest/toolbox:1.34.4-3\n",
        /does not apply DaemonSet objects: it runs a pod on every node.*Deployment or StatefulSet/,
      ],
    ];
    for (const [yaml, message] of cases) {
      const answer = await editorApply(yaml);
      expect(answer).toMatchObject({ ok: false, error: { code: "yaml-invalid", message: expect.stringMatching(message) } });
    }
    // Nothing reached the cluster (looked at with the admin's rights).
    expect(kubectl(["get", "secrets,endpointslices,daemonsets", "-n", namespace, "-o", "name"])).not.toMatch(/stolen|redis-forged|everywhere/);
  });

  it("acts as the learner's ServiceAccount: what RBAC forbids the learner, it forbids the editor", async () => {
    // A level that listed Secret (levels:check forbids it) would still not get one created:
    // the cluster judges the editor's call as the learner's.
    const platformObjects = (await getLevelCatalog()).get(LEVEL)!.platformObjects(namespace);
    const err = await applyLearnerYaml({ kube, namespace, platformObjects, editorKinds: ["Secret"] }, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: stolen\nstringData:\n  a: b\n").catch(
      (e: unknown) => e,
    );
    expect((err as { error?: { message?: string } }).error?.message).toMatch(new RegExp(`User "system:serviceaccount:${namespace}:learner" cannot (get|patch) resource "secrets"`));
  });

  it("refuses an externalIPs and a NodePort Service with KubeQuest's admission messages", async () => {
    const external = await editorApply(externalIpService("redis-external"));
    expect(external).toMatchObject({ ok: false, error: { message: expect.stringMatching(/spec\.externalIPs is not allowed in KubeQuest: kube-proxy would take that address over/) } });
    const nodePort = await editorApply(nodePortService("redis-nodeport"));
    expect(nodePort).toMatchObject({ ok: false, error: { message: expect.stringMatching(/spec\.type NodePort is not allowed in KubeQuest.*Use type ClusterIP/) } });
    expect((await kube.listServices(namespace)).map((s) => s.name)).toEqual(["redis"]);
  });
});

describe("admission rules, from the learner's own kubectl", () => {
  it("refuses externalIPs and NodePort Services created in the terminal", async () => {
    const script = `cat > /tmp/ext.yaml <<'EOF'\n${externalIpService("ext")}EOF\ncat > /tmp/np.yaml <<'EOF'\n${nodePortService("np")}EOF\nkubectl apply -f /tmp/ext.yaml; echo "rc=$?"; kubectl apply -f /tmp/np.yaml; echo "rc=$?"; kubectl create service loadbalancer lb --tcp=80:80; echo "rc=$?"`;
    const { stdout, stderr } = await inToolbox(script);
    expect(stdout.match(/rc=1/g)).toHaveLength(3);
    expect(stderr).toMatch(/kubequest-learner-services.*denied request: spec\.externalIPs is not allowed in KubeQuest/);
    expect(stderr).toMatch(/denied request: spec\.type NodePort is not allowed in KubeQuest/);
    expect(stderr).toMatch(/denied request: spec\.type LoadBalancer is not allowed in KubeQuest/);
  });

  it("refuses hostPath volumes and host namespaces, on pods and on workload templates", async () => {
    const pod = (extra: string) => `apiVersion: v1
kind: Pod
metadata:
  name: hosty
spec:${extra}
  securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
  containers:
    - name: c
      image: kubequest/toolbox:1.34.4-3
      command: ["sleep", "60"]
      securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: ["ALL"]}}
`;
    const learner = kube.asServiceAccount(namespace, "learner");
    const refusal = async (yaml: string) => {
      return learner.apply(namespace, parseKubeObjects(yaml, "test.yaml"), { dryRun: true }).then(
        () => "admitted",
        (e: unknown) => (e as Error).message,
      );
    };
    // On a pod, Pod Security "restricted" (a built-in admission step, before the policies) refuses first.
    expect(await refusal(pod("\n  volumes: [{name: root, hostPath: {path: /}}]"))).toMatch(/hostPath/);
    expect(await refusal(pod("\n  hostNetwork: true"))).toMatch(/hostNetwork/);
    expect(await refusal(pod("\n  hostPID: true"))).toMatch(/hostPID/);
    expect(await refusal(pod("\n  hostIPC: true"))).toMatch(/hostIPC/);
    // hostAliases are the grader's to explain, not admission's to refuse.
    expect(await refusal(pod("\n  hostAliases: [{ip: 10.244.0.99, hostnames: [redis-0.redis]}]"))).toBe("admitted");
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: hosty
spec:
  selector: {matchLabels: {app: hosty}}
  template:
    metadata: {labels: {app: hosty}}
    spec:
      hostNetwork: true
      containers: [{name: c, image: "kubequest/toolbox:1.34.4-3"}]
`;
    // Pod Security only warns about a workload's template; KubeQuest's policy refuses it at once.
    expect(await refusal(deployment)).toMatch(/spec\.template\.spec\.hostNetwork: true is not allowed in KubeQuest/);
    expect(await refusal(deployment.replace("hostNetwork: true", "hostPID: true"))).toMatch(/spec\.template\.spec\.hostPID: true is not allowed in KubeQuest/);
    expect(await refusal(deployment.replace("hostNetwork: true", "hostIPC: true"))).toMatch(/spec\.template\.spec\.hostIPC: true is not allowed in KubeQuest/);
    expect(await refusal(deployment.replace("hostNetwork: true", "volumes: [{name: root, hostPath: {path: /}}]"))).toMatch(
      /spec\.template\.spec\.volumes: hostPath volumes are not allowed in KubeQuest.*emptyDir/,
    );
  });

  it("refuses exec probes that would run more often than one every 2 seconds per pod, through the editor's path and kubectl's", async () => {
    // Every exec probe is a container-runtime exec on the node (about 60 ms of CPU outside the
    // pod's limits): a curious student's `periodSeconds: 1` on a few containers would spend the
    // node's CPU that every learner shares. tcpSocket and httpGet probes cost the kubelet a dial.
    const probe = (kind: "exec" | "tcp", period?: number) =>
      `${kind === "exec" ? `{exec: {command: ["true"]}` : `{tcpSocket: {port: 6379}`}${period === undefined ? "" : `, periodSeconds: ${period}`}}`;
    const deployment = (containers: string[]) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: probey
spec:
  selector: {matchLabels: {app: probey}}
  template:
    metadata: {labels: {app: probey}}
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
      containers:
${containers
  .map(
    (probes, i) => `        - name: c${i}
          image: kubequest/toolbox:1.34.4-3
          command: ["sleep", "600"]
          securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: ["ALL"]}}
${probes}`,
  )
  .join("\n")}
`;
    const learner = kube.asServiceAccount(namespace, "learner");
    const verdict = (yaml: string) =>
      learner.apply(namespace, parseKubeObjects(yaml, "probey.yaml"), { dryRun: true }).then(
        () => "admitted",
        (e: unknown) => (e as Error).message,
      );
    const refused = /spec\.template\.spec: exec probes would run 60 times a minute.*at most 30 a minute per pod.*tcpSocket or httpGet/;
    expect(await verdict(deployment([`          readinessProbe: ${probe("exec", 1)}`]))).toMatch(refused);
    // Two containers at 2 s each add up to one a second.
    expect(await verdict(deployment([`          readinessProbe: ${probe("exec", 2)}`, `          livenessProbe: ${probe("exec", 2)}`]))).toMatch(/exec probes would run 60 times a minute/);
    // What the levels themselves use: one exec probe every 2 s, an exec probe at the default period, TCP probes at any.
    expect(await verdict(deployment([`          readinessProbe: ${probe("exec", 2)}`]))).toBe("admitted");
    expect(await verdict(deployment([`          readinessProbe: ${probe("exec")}\n          livenessProbe: ${probe("exec", 10)}`]))).toBe("admitted");
    expect(await verdict(deployment([`          readinessProbe: ${probe("tcp", 1)}\n          livenessProbe: ${probe("tcp", 1)}`]))).toBe("admitted");
    // And from the terminal, with the reason in kubectl's words.
    const { stdout, stderr } = await inToolbox(
      `cat > /tmp/probey.yaml <<'EOF'\n${deployment([`          startupProbe: ${probe("exec", 1)}`])}EOF\nkubectl apply -f /tmp/probey.yaml; echo "rc=$?"`,
    );
    expect(stdout).toMatch(/rc=1/);
    expect(stderr).toMatch(/kubequest-learner-pods.*denied request: spec\.template\.spec: exec probes would run 60 times a minute/);
  });

  it("leaves namespaces that are not learners' alone", async () => {
    const { name, remove } = scratchNamespace("vap");
    try {
      const objects = parseKubeObjects(nodePortService("np"), "np.yaml");
      expect(await kube.apply(name, objects, { dryRun: true })).toEqual([{ apiVersion: "v1", kind: "Service", name: "np", action: "created" }]);
    } finally {
      remove();
    }
  });
});

describe("quota, limits and Pod Security", () => {
  it("stops a loop of 30 KB ConfigMaps at the quota with a clear error", async () => {
    const { stdout, stderr } = await inToolbox(
      "before=$(kubectl get configmaps -o name | wc -l); head -c 30000 /dev/zero | tr '\\0' a > /tmp/blob; n=0; for i in $(seq 1 40); do kubectl create configmap blob-$i --from-file=/tmp/blob >/dev/null || break; n=$i; done; echo before=$before created=$n",
      120_000,
    );
    // 10 ConfigMaps in all, with those the environment starts with (kube-root-ca.crt, and the
    // level's manifests for the terminal's home folder).
    const before = Number(/before=(\d+)/.exec(stdout)?.[1]);
    const created = Number(/created=(\d+)/.exec(stdout)?.[1]);
    expect(before).toBeGreaterThanOrEqual(1);
    expect(created).toBe(10 - before);
    expect(stderr).toContain(`configmaps "blob-${created + 1}" is forbidden: exceeded quota: kubequest-limits, requested: configmaps=1, used: configmaps=10, limited: configmaps=10`);
    // Through KubeQuest's adapter the same refusal says what to do.
    const err = await kube
      .asServiceAccount(namespace, "learner")
      .apply(namespace, [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "one-more" }, data: { a: "b" } }])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeError);
    expect((err as KubeError).details.action).toMatch(/quota for configmaps is used up: delete what you no longer need/);
  }, 150_000);

  it("refuses a root pod without a seccomp profile (Pod Security restricted)", async () => {
    const err = await kube
      .asServiceAccount(namespace, "learner")
      .apply(namespace, [{ apiVersion: "v1", kind: "Pod", metadata: { name: "rooty" }, spec: { containers: [{ name: "c", image: "kubequest/toolbox:1.34.4-3", securityContext: { runAsUser: 0 } }] } }], {
        dryRun: true,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeError);
    expect((err as KubeError).message).toMatch(/violates PodSecurity "restricted:latest".*runAsNonRoot.*seccompProfile/);
    expect((err as KubeError).details.action).toMatch(/restricted policy/);
  });

  it("gives every container ephemeral-storage requests and limits by default", async () => {
    const { stdout } = await inToolbox("kubectl get pod toolbox redis-0 -o jsonpath='{range .items[*]}{.spec.containers[0].resources.limits.ephemeral-storage} {end}'");
    expect(stdout.trim().split(/\s+/)).toEqual(["256Mi", "256Mi"]);
  });
});

describe("network isolation objects", () => {
  it("puts a default-deny policy and an API server egress policy built from the cluster's endpoints in the namespace", async () => {
    const { stdout } = await inToolbox(`kubectl get networkpolicy -o name; kubectl get networkpolicy ${API_SERVER_POLICY} -o jsonpath='{.spec.egress[*].to[*].ipBlock.cidr}'`);
    expect(stdout).toMatch(/networkpolicy.networking.k8s.io\/kubequest-default-deny/);
    const slices = await kube.listEndpointSlices("default", "kubernetes");
    const apiServerIp = slices[0]!.endpoints[0]!.addresses[0]!;
    expect(stdout).toContain(`${apiServerIp}/32`);
    // The toolbox's kubectl reached the API server for every line above: egress to it is allowed.
  });

  it("keeps the admission policies a server start applied", async () => {
    const names = readAdmissionPolicies().map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names).toEqual([
      "ValidatingAdmissionPolicy/kubequest-learner-services",
      "ValidatingAdmissionPolicyBinding/kubequest-learner-services",
      "ValidatingAdmissionPolicy/kubequest-learner-pods",
      "ValidatingAdmissionPolicyBinding/kubequest-learner-pods",
    ]);
    // Applying again is harmless (the server does it at every start): everything already exists.
    for (const a of await kube.applyClusterScoped(readAdmissionPolicies())) expect(a.action).not.toBe("created");
  });
});
