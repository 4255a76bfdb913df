// The kind config the kit renders: one node as before, or a control plane and workers on the
// same node image; a reworded comment must not recreate anyone's cluster, another node count must.
import { readFileSync } from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { nodesFlag, parseNodeCount, renderKindConfig, sameKindConfig } from "./cluster";
import { POD_SUBNET, REPO_ROOT } from "./kit-config";

const template = readFileSync(path.join(REPO_ROOT, "cluster-kit/kind-config.yaml"), "utf8");
interface KindConfig {
  networking: { disableDefaultCNI: boolean; podSubnet: string };
  nodes: { role: string; image: string }[];
}
const parse = (text: string) => yaml.load(text) as KindConfig;

describe("renderKindConfig", () => {
  it("makes one control-plane node by default", () => {
    const config = parse(renderKindConfig(template, "kubequest/kind-node:v1.34.4", true));
    expect(config.nodes).toEqual([{ role: "control-plane", image: "kubequest/kind-node:v1.34.4" }]);
    expect(config.networking).toMatchObject({ disableDefaultCNI: true, podSubnet: POD_SUBNET });
  });

  it("adds N-1 workers on the same node image", () => {
    const config = parse(renderKindConfig(template, "img:1", false, 3));
    expect(config.nodes).toEqual([
      { role: "control-plane", image: "img:1" },
      { role: "worker", image: "img:1" },
      { role: "worker", image: "img:1" },
    ]);
    expect(config.networking.disableDefaultCNI).toBe(false);
  });
});

describe("sameKindConfig", () => {
  it("ignores comments and blank lines, not a node", () => {
    const one = renderKindConfig(template, "img:1", true, 1);
    expect(sameKindConfig(one, `# a new comment\n\n${one.replace(/^#.*$/gm, "")}`)).toBe(true);
    expect(sameKindConfig(one, renderKindConfig(template, "img:1", true, 3))).toBe(false);
  });
});

describe("parseNodeCount", () => {
  it("takes 1 to 5, and 1 when not given", () => {
    expect(parseNodeCount(undefined)).toBe(1);
    expect(parseNodeCount("3")).toBe(3);
    for (const bad of ["0", "6", "two", "", "2.5", "-1"]) expect(() => parseNodeCount(bad)).toThrow(/--nodes takes a whole number/);
  });
});

describe("nodesFlag", () => {
  it("finds --nodes N and --nodes=N among other flags, and nothing when absent", () => {
    expect(nodesFlag(["--offline", "--nodes", "3"])).toBe("3");
    expect(nodesFlag(["--nodes=2", "--online"])).toBe("2");
    expect(nodesFlag(["--offline"])).toBeUndefined();
    // A trailing --nodes without a number is given as empty, which parseNodeCount refuses.
    expect(nodesFlag(["--nodes"])).toBe("");
  });
});
