/**
 * The cluster's node containers as Docker has them (kind labels each with its cluster's name):
 * one place for cluster.ts and kube-router.ts to ask how many nodes run and which, so a stamp
 * of "loaded into these nodes" covers the workers too, not only the control plane.
 */
import { execFileSync } from "node:child_process";
import { CLUSTER_NAME } from "./kit-config";

export interface NodeContainer {
  name: string;
  id: string;
  running: boolean;
}

/** Every node container of the cluster, running or not, by name. */
export function clusterContainers(): NodeContainer[] {
  let out = "";
  try {
    out = execFileSync("docker", ["ps", "-a", "--no-trunc", "--filter", `label=io.x-k8s.kind.cluster=${CLUSTER_NAME}`, "--format", "{{.Names}} {{.ID}} {{.State}}"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch {
    return [];
  }
  return out
    .split("\n")
    .map((l) => l.trim().split(" "))
    .filter((f) => f.length === 3)
    .map(([name, id, state]) => ({ name: name!, id: id!, running: state === "running" }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The containers' IDs in one string: what a "loaded into these nodes" stamp records. */
export function clusterContainerIds(): string {
  return clusterContainers()
    .map((c) => c.id)
    .join(",");
}
