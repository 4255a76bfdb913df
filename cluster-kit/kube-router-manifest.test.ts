// The kube-router manifest repeats facts that live elsewhere (its image tag, the cluster's
// service range, the pull policy a registry-less node needs); a drift would leave the
// enforcer crash-looping or unpulled with nothing pointing at the cause. These checks keep
// them in step.
import { readFileSync } from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { KUBE_ROUTER_IMAGE, KUBE_ROUTER_MANIFEST, REPO_ROOT } from "./kit-config";

interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: { template: { spec: { containers: { image: string; imagePullPolicy: string; args: string[] }[] } } };
}

const docs = yaml.loadAll(readFileSync(KUBE_ROUTER_MANIFEST, "utf8")) as Doc[];
const daemonSet = docs.find((d) => d.kind === "DaemonSet");
const container = daemonSet?.spec?.template.spec.containers[0];

describe("cluster-kit/kube-router.yaml", () => {
  it("runs the image the kit builds, never pulling it", () => {
    expect(container?.image).toBe(KUBE_ROUTER_IMAGE);
    expect(container?.imagePullPolicy).toBe("IfNotPresent");
  });

  it("starts the firewall controller only", () => {
    expect(container?.args).toEqual(
      expect.arrayContaining(["--run-firewall=true", "--run-router=false", "--run-service-proxy=false"]),
    );
  });

  it("names the service range of the kind cluster", () => {
    const kindConfig = readFileSync(path.join(REPO_ROOT, "cluster-kit", "kind-config.yaml"), "utf8");
    const serviceSubnet = /serviceSubnet:\s*(\S+)/.exec(kindConfig)?.[1];
    expect(serviceSubnet).toBeTruthy();
    expect(container?.args).toContain(`--service-cluster-ip-range=${serviceSubnet}`);
  });

  it("binds its ServiceAccount to read-only rules", () => {
    const role = docs.find((d) => d.kind === "ClusterRole") as unknown as { rules: { verbs: string[] }[] };
    const verbs = new Set(role.rules.flatMap((r) => r.verbs));
    expect([...verbs].sort()).toEqual(["get", "list", "watch"]);
  });
});
