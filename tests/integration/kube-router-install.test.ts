// The offline kit's installation of kube-router (cluster-kit/kube-router.ts) on the real cluster:
// it must leave the enforcer running the image that was built, program the node's firewall, and
// be safe to call on every cluster:up (no restart when nothing changed). Whether policies are
// then enforced is network-isolation.test.ts's job.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { kubectl as clusterKubectl } from "../../cluster-kit/cluster";
import { KIND_VERSION, KIT_CACHE, KUBE_ROUTER_IMAGE, NODE_CONTAINER } from "../../cluster-kit/kit-config";
import { IMAGE_ID_ANNOTATION, installKubeRouter } from "../../cluster-kit/kube-router";
import { kubectl } from "./support/kubectl";

const kind = path.join(KIT_CACHE, `kind-${KIND_VERSION}`, "kind");

function kubeRouterPods(): { name: string; uid: string; imageId: string; ready: boolean }[] {
  const out = kubectl([
    "get",
    "pods",
    "-n",
    "kube-system",
    "-l",
    "k8s-app=kube-router",
    "-o",
    `jsonpath={range .items[*]}{.metadata.name} {.metadata.uid} {.metadata.annotations.kubequest\\.dev/image-id} {.status.containerStatuses[0].ready}{"\\n"}{end}`,
  ]);
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [name = "", uid = "", imageId = "", ready = ""] = line.split(" ");
      return { name, uid, imageId, ready: ready === "true" };
    });
}

describe("kube-router installed by the offline kit", () => {
  let builtImageId = "";

  // Not at load time: npm test lists every file's tests before any cluster or image exists.
  beforeAll(() => {
    builtImageId = execFileSync("docker", ["image", "inspect", "-f", "{{.Id}}", KUBE_ROUTER_IMAGE], { encoding: "utf8" })
      .trim()
      .replace(/^sha256:/, "")
      .slice(0, 12);
  });

  it("runs the image that was built, Ready on every node", async () => {
    await installKubeRouter(kind, clusterKubectl);
    const template = kubectl(["get", "daemonset", "-n", "kube-system", "kube-router", "-o", `jsonpath={.spec.template.metadata.annotations.kubequest\\.dev/image-id}`]);
    expect(template, `the pod template's ${IMAGE_ID_ANNOTATION}`).toBe(builtImageId);
    const nodes = kubectl(["get", "nodes", "-o", "name"]).split("\n").filter(Boolean);
    const pods = kubeRouterPods().filter((p) => p.imageId === builtImageId);
    expect(pods.length, JSON.stringify(kubeRouterPods())).toBe(nodes.length);
    for (const pod of pods) expect(pod.ready, pod.name).toBe(true);
  });

  it("programs the node's firewall: FORWARD, INPUT and OUTPUT jump to kube-router's chains", () => {
    const rules = execFileSync("docker", ["exec", NODE_CONTAINER, "iptables-save", "-t", "filter"], { encoding: "utf8" });
    for (const chain of ["FORWARD", "INPUT", "OUTPUT"]) {
      expect(rules).toMatch(new RegExp(`^-A ${chain} .*-j KUBE-ROUTER-${chain}\\b`, "m"));
    }
  });

  it("restarts nothing when called again with the same image", async () => {
    const before = kubeRouterPods().map((p) => p.uid);
    await installKubeRouter(kind, clusterKubectl);
    expect(kubeRouterPods().map((p) => p.uid)).toEqual(before);
  });
});
