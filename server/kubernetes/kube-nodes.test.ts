// KubeNodes against a local stand-in for the API server: a taint change is a read and a PUT
// carrying the read's resourceVersion; a 409 (another writer in between: a kubelet, a second
// chaos round) makes it read and apply the change again on what is there now.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiConfiguration, sharedAgentOf } from "./kube-config";
import { KubeNodes } from "./kube-nodes";

interface FakeNode {
  metadata: { name: string; resourceVersion: string };
  spec: { taints?: { key: string; value?: string; effect: string; timeAdded?: string }[]; unschedulable?: boolean };
  status: { conditions: { type: string; status: string }[] };
}

let server: http.Server;
let nodes: KubeNodes;
let node: FakeNode;
/** Writes another client slips in before our next PUT (each bumps the resourceVersion). */
let interleavedWrites: ((n: FakeNode) => void)[] = [];
const puts: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(value));
      };
      if (req.method === "GET" && req.url?.startsWith("/api/v1/nodes/")) return send(200, node);
      if (req.method === "GET" && req.url?.startsWith("/api/v1/nodes")) return send(200, { apiVersion: "v1", kind: "NodeList", metadata: {}, items: [node] });
      if (req.method === "PUT") {
        const sent = JSON.parse(body) as FakeNode;
        puts.push(sent.metadata.resourceVersion);
        const other = interleavedWrites.shift();
        if (other) {
          other(node);
          node.metadata.resourceVersion = String(Number(node.metadata.resourceVersion) + 1);
        }
        if (sent.metadata.resourceVersion !== node.metadata.resourceVersion) {
          return send(409, { kind: "Status", apiVersion: "v1", status: "Failure", reason: "Conflict", code: 409, message: "the object has been modified" });
        }
        node = { ...sent, metadata: { ...sent.metadata, resourceVersion: String(Number(sent.metadata.resourceVersion) + 1) } };
        return send(200, node);
      }
      send(404, { kind: "Status", code: 404 });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: "u" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  nodes = new KubeNodes(apiConfiguration(kc, sharedAgentOf(kc)));
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("KubeNodes", () => {
  it("lists nodes as NodeInfo", async () => {
    node = { metadata: { name: "kubequest-worker", resourceVersion: "7" }, spec: { taints: [{ key: "a", effect: "NoSchedule" }] }, status: { conditions: [{ type: "Ready", status: "True" }] } };
    expect(await nodes.listNodes()).toEqual([{ name: "kubequest-worker", ready: true, unschedulable: false, taints: [{ key: "a", effect: "NoSchedule" }] }]);
  });

  it("re-reads and changes again after a conflict, keeping the other writer's taint", async () => {
    node = { metadata: { name: "kubequest-worker", resourceVersion: "10" }, spec: {}, status: { conditions: [] } };
    puts.length = 0;
    interleavedWrites = [(n) => (n.spec.taints = [{ key: "other-round", value: "1", effect: "PreferNoSchedule" }])];
    await nodes.updateNodeTaints("kubequest-worker", (t) => [...t, { key: "ours", value: "2", effect: "PreferNoSchedule" }]);
    expect(puts).toEqual(["10", "11"]);
    expect(node.spec.taints).toEqual([
      { key: "other-round", value: "1", effect: "PreferNoSchedule" },
      { key: "ours", value: "2", effect: "PreferNoSchedule" },
    ]);
  });

  it("writes the taints it leaves untouched back as they were (a node-lifecycle taint keeps its timeAdded)", async () => {
    const unreachable = { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: "2026-12-01T07:00:00Z" };
    node = { metadata: { name: "kubequest-worker", resourceVersion: "20" }, spec: { taints: [unreachable] }, status: { conditions: [] } };
    await nodes.updateNodeTaints("kubequest-worker", (t) => [...t, { key: "ours", value: "3", effect: "PreferNoSchedule" }]);
    // The client library reads timeAdded as a Date and writes the same instant back.
    const [kept, ours] = node.spec.taints!;
    expect({ ...kept, timeAdded: new Date(kept!.timeAdded!).getTime() }).toEqual({ ...unreachable, timeAdded: Date.parse(unreachable.timeAdded) });
    expect(ours).toEqual({ key: "ours", value: "3", effect: "PreferNoSchedule" });
  });

  it("writes nothing when the change changes nothing", async () => {
    puts.length = 0;
    await nodes.updateNodeTaints("kubequest-worker", (t) => t);
    expect(puts).toEqual([]);
  });

  it("gives up after five conflicts in a row, as a KubeError", async () => {
    interleavedWrites = Array.from({ length: 5 }, () => () => undefined);
    await expect(nodes.updateNodeTaints("kubequest-worker", (t) => t.filter((x) => x.key !== "ours"))).rejects.toMatchObject({ name: "KubeError", code: "conflict" });
    interleavedWrites = [];
  });
});
