import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { clusterConfigFrom } from "../config/server-config";
import { loadKubeConfig } from "./kube-config";

const kubeconfig = (server: string, n = "") => `apiVersion: v1
kind: Config
clusters: [{ name: c${n}, cluster: { server: "${server}" } }]
users: [{ name: u${n}, user: { token: t } }]
contexts: [{ name: x${n}, context: { cluster: c${n}, user: u${n} } }]
current-context: x${n}
`;

describe("where the server finds its cluster", () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kq-kubeconfig-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it("reads <KUBEQUEST_HOME>/kubeconfig, where the cluster kit writes it", () => {
    const home = tempDir();
    fs.writeFileSync(path.join(home, "kubeconfig"), kubeconfig("https://kit.example:6443"));
    const kc = loadKubeConfig({ cluster: clusterConfigFrom({ KUBEQUEST_HOME: home }, "/nonexistent-home") });
    expect(kc.getCurrentCluster()?.server).toBe("https://kit.example:6443");
  });

  it("prefers KUBECONFIG, merging a colon-separated list like kubectl", () => {
    const dir = tempDir();
    const first = path.join(dir, "a");
    const second = path.join(dir, "b");
    fs.writeFileSync(first, kubeconfig("https://first.example:6443"));
    fs.writeFileSync(second, kubeconfig("https://second.example:6443", "2"));
    const kc = loadKubeConfig({ cluster: clusterConfigFrom({ KUBECONFIG: `${first}${path.delimiter}${second}`, KUBEQUEST_HOME: tempDir() }, "/nonexistent-home") });
    expect(kc.getCurrentCluster()?.server).toBe("https://first.example:6443");
    expect(kc.getClusters().map((c) => c.name).sort()).toEqual(["c", "c2"]);
  });

  it("says where it looked when there is no cluster at all", () => {
    const home = tempDir();
    expect(() => loadKubeConfig({ cluster: clusterConfigFrom({ KUBEQUEST_HOME: home }, "/nonexistent-home") })).toThrow(`${home}/kubeconfig does not exist and KUBECONFIG is not set`);
  });
});
