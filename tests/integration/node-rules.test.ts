// What kube-proxy programmed on the nodes, read on the real cluster (issue 14, item 2): the
// collector DaemonSet installed in kubequest-system from the cluster's own kube-proxy image and
// running on every node; a ClusterIP Service with ready pods has rules on every node, a headless
// Service over the same pods has none, and another namespace's rules are never handed out with
// this one's; and a learner's own rights reach neither the collector's pods nor an exec in them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { KubeError, type KubeAdapter } from "../../server/kubernetes/kube-adapter";
import { createKubeAdapter } from "../../server/kubernetes/kube-client";
import { getLevelCatalog } from "../../server/levels/level-catalog";
import { COLLECTOR_CONTAINER, COLLECTOR_NAME, COLLECTOR_SELECTOR, installNodeRulesCollector, KUBE_PROXY } from "../../server/node-rules/node-rules-collector";
import { namespaceRules, NodeRulesReader, type NodeRulesReading } from "../../server/node-rules/node-rules-reader";
import { summarizeRules } from "../../server/node-rules/kube-proxy-rules";
import { applyYaml, kubectl, scratchNamespace } from "./support/kubectl";

const SYSTEM = "kubequest-system";
const CACHE = readFileSync("levels/03-networking-and-services/31-clusterip-and-headless/broken/cache.yaml", "utf8");
const service = (name: string, headless: boolean) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
${headless ? "  clusterIP: None\n" : ""}  selector:
    app: cache
  ports:
    - name: redis
      port: 6379
      targetPort: redis
`;

let kube: KubeAdapter;
let reader: NodeRulesReader;
let nodes: string[];
/** Scratch namespaces, made in beforeAll (the file must load without a cluster). */
let mine: { name: string; remove: () => void };
let theirs: { name: string; remove: () => void };

async function until<T>(what: string, get: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await get();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

beforeAll(async () => {
  kube = createKubeAdapter();
  reader = new NodeRulesReader(kube);
  nodes = kubectl(["get", "nodes", "-o", "jsonpath={.items[*].metadata.name}"]).split(" ").sort();
  await installNodeRulesCollector(kube);
  mine = scratchNamespace("noderules");
  theirs = scratchNamespace("noderules-other");
  for (const ns of [mine.name, theirs.name]) {
    applyYaml(ns, CACHE);
    applyYaml(ns, service("front", false));
  }
  applyYaml(mine.name, service("peers", true));
  for (const ns of [mine.name, theirs.name]) kubectl(["rollout", "status", "-n", ns, "deployment/cache", "--timeout=180s"], { timeoutMs: 200_000 });
}, 300_000);

afterAll(() => {
  mine?.remove();
  theirs?.remove();
});

/** A reading in which kube-proxy has programmed `front` of both namespaces on every node, with all three pods. */
function readingWithBoth(): Promise<NodeRulesReading> {
  return until("kube-proxy's rules for both namespaces' front Service on every node", async () => {
    const reading = await reader.read(0);
    const complete = [mine.name, theirs.name].every((ns) =>
      namespaceRules(reading, ns).every((n) => summarizeRules(n.services.get("front") ?? []).endpoints.length === 3),
    );
    return complete && reading.nodes.length === nodes.length ? reading : undefined;
  });
}

describe("the node-rules collector", () => {
  it("runs the cluster's kube-proxy image on every node, with the node's network and only NET_ADMIN and NET_RAW", async () => {
    const proxyImage = (await kube.getDaemonSet(KUBE_PROXY.namespace, KUBE_PROXY.name))!.images[0];
    const ds = await until("the collector to be ready on every node", async () => {
      const found = await kube.getDaemonSet(SYSTEM, COLLECTOR_NAME);
      return found && found.desired === nodes.length && found.ready === found.desired ? found : undefined;
    });
    expect(ds.images).toEqual([proxyImage]);
    const pods = (await kube.listPods(SYSTEM, COLLECTOR_SELECTOR)).filter((p) => p.ready);
    expect(pods.map((p) => p.nodeName).sort()).toEqual(nodes);
    const spec = JSON.parse(kubectl(["get", "daemonset", "-n", SYSTEM, COLLECTOR_NAME, "-o", "jsonpath={.spec.template.spec}"])) as {
      hostNetwork: boolean;
      containers: { securityContext: { capabilities: { add: string[]; drop: string[] }; privileged: boolean } }[];
    };
    expect(spec.hostNetwork).toBe(true);
    expect(spec.containers[0]!.securityContext).toMatchObject({ privileged: false, capabilities: { add: ["NET_ADMIN", "NET_RAW"], drop: ["ALL"] } });
  });
});

describe("kube-proxy's rules for a namespace, read on every node", () => {
  it("has rules for the ClusterIP Service on every node, for its virtual IP and each ready pod, and none for the headless one", async () => {
    const reading = await readingWithBoth();
    const frontIP = (await kube.getService(mine.name, "front"))!.clusterIP;
    const podEndpoints = (await kube.listPods(mine.name))
      .filter((p) => p.labels.app === "cache")
      .map((p) => `${p.ip}:6379`)
      .sort();
    const rules = namespaceRules(reading, mine.name);
    expect(rules.map((n) => n.node)).toEqual(nodes);
    for (const node of rules) {
      expect([...node.services.keys()], node.node).toEqual(["front"]);
      expect(summarizeRules(node.services.get("front")!)).toEqual({ clusterIPs: [frontIP], endpoints: podEndpoints });
      expect(new Set(node.services.get("front")!.map((r) => r.chain.replace(/-[A-Z0-9]{16}$/, "")))).toEqual(new Set(["KUBE-SERVICES", "KUBE-SVC", "KUBE-SEP"]));
    }
  });

  it("never hands out another namespace's rules, though the nodes hold them", async () => {
    const reading = await readingWithBoth();
    const theirIP = (await kube.getService(theirs.name, "front"))!.clusterIP;
    expect(reading.nodes.every((n) => n.rules.some((r) => r.namespace === theirs.name))).toBe(true);
    const shown = namespaceRules(reading, mine.name).flatMap((n) => [...n.services.values()].flat());
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((r) => r.namespace === mine.name)).toBe(true);
    expect(shown.map((r) => r.text).join("\n")).not.toContain(theirIP);
    expect(shown.map((r) => r.text).join("\n")).not.toContain(theirs.name);
  });
});

describe("the learner's rights stop at their namespace", () => {
  it("cannot list, read or exec into the collector's pods in kubequest-system", async () => {
    // The learner's ServiceAccount, Role and RoleBinding, as every level namespace has them.
    const platform = (await getLevelCatalog()).list()[0]!.platformObjects(mine.name);
    await kube.apply(mine.name, platform.filter((o) => ["ServiceAccount", "Role", "RoleBinding"].includes(o.kind)), { force: true });
    const learner = kube.asServiceAccount(mine.name, "learner");
    // It may list its own namespace's pods (the rights are in place)...
    await until("the learner's Role to apply", async () => ((await learner.listPods(mine.name)).length > 0 ? true : undefined));
    const collector = (await kube.listPods(SYSTEM, COLLECTOR_SELECTOR))[0]!.name;
    const refused = (call: Promise<unknown>) => call.then(() => "allowed", (err: unknown) => (err instanceof KubeError ? err.code : String(err)));
    expect(await refused(learner.listPods(SYSTEM))).toBe("forbidden");
    expect(await refused(learner.getPod(SYSTEM, collector))).toBe("forbidden");
    expect(await refused(learner.getDaemonSet(SYSTEM, COLLECTOR_NAME))).toBe("forbidden");
    expect(await refused(learner.exec(SYSTEM, collector, COLLECTOR_CONTAINER, ["iptables-save", "-t", "nat"]))).toBe("forbidden");
    for (const [verb, resource] of [["list", "pods"], ["create", "pods/exec"], ["get", "daemonsets.apps"]]) {
      const answer = (() => {
        try {
          return kubectl(["auth", "can-i", verb!, resource!, "-n", SYSTEM, "--as", `system:serviceaccount:${mine.name}:learner`]);
        } catch (err) {
          return String((err as { stdout?: string }).stdout ?? "").trim();
        }
      })();
      expect(answer, `${verb} ${resource}`).toBe("no");
    }
  });
});
