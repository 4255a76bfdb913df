/**
 * The cluster's life cycle behind `npm run cluster:up|down|status`: make sure Docker runs,
 * get a node image (upstream when a registry is reachable, else the offline kit), create or
 * restart the kind cluster (one node, or a control plane and workers with `--nodes N`), write
 * its kubeconfig, give a multi-node offline cluster its pod network (node-network.ts), build
 * and load the levels' images.
 */
import { execFileSync } from "node:child_process";
import { lookup } from "node:dns/promises";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  CLUSTER_NAME,
  KIND_VERSION,
  KIT_CACHE,
  KUBECONFIG_PATH,
  KUBEQUEST_HOME,
  KUBERNETES_VERSION,
  LEVEL_IMAGES,
  MAX_NODES,
  NODE_CONTAINER,
  nodeContainers,
  REPO_ROOT,
  STEPS_DIR,
  UPSTREAM_NODE_IMAGE,
  type LevelImage,
} from "./kit-config";
import { withClusterLock } from "./cluster-lock";
import { installKubeRouter } from "./kube-router";
import { clusterContainerIds, clusterContainers } from "./node-containers";
import { installNodeNetwork, nodeNetworkStatus, repairPodAddresses } from "./node-network";
import { buildOfflineKit, buildProbe, buildRuncWrapper, imageExists, TOTAL_KIT_STEPS } from "./offline-kit";
import { formatElapsed, inputsKey, log, runLogged, runTimedStep } from "./step-runner";

export type ClusterMode = "auto" | "online" | "offline";

/** The steps `cluster:up` prints as [i/STEPS]. */
const STEPS = 7;

/**
 * A registry is "reachable" when its name resolves. On our VMs the resolver refuses every
 * registry name at once, so this costs a few milliseconds and sends nothing off the machine.
 */
export async function registryReachable(host = "registry-1.docker.io"): Promise<boolean> {
  try {
    await Promise.race([
      lookup(host),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 3000)),
    ]);
    return true;
  } catch {
    return false;
  }
}

function docker(args: string[]): string {
  return execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

function nodeContainerState(): "running" | "stopped" | "absent" {
  try {
    return docker(["inspect", "-f", "{{.State.Running}}", NODE_CONTAINER]) === "true" ? "running" : "stopped";
  } catch {
    return "absent";
  }
}

export function kubectl(args: string[], opts: { timeoutMs?: number } = {}): string {
  return execFileSync(kubectlBinary(), ["--kubeconfig", KUBECONFIG_PATH, ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: opts.timeoutMs ?? 30_000,
  }).trim();
}

/** The kit's kubectl (the cluster's exact version) when built, else the one on PATH. */
export function kubectlBinary(): string {
  const kit = path.join(KIT_CACHE, `kubernetes-${KUBERNETES_VERSION}`, "kubectl");
  return existsSync(kit) ? kit : "kubectl";
}

function kindBinaryOnPath(): string | undefined {
  try {
    const v = execFileSync("kind", ["version"], { encoding: "utf8" });
    return v.includes(KIND_VERSION) ? "kind" : undefined;
  } catch {
    return undefined;
  }
}

async function ensureDocker(): Promise<void> {
  const wrapper = await buildRuncWrapper();
  await runLogged("docker-engine", "bash", [path.join(STEPS_DIR, "docker-engine.sh"), wrapper]);
}

/** Builds a level image from its Dockerfile unless the same inputs were built already. */
async function buildLevelImage(image: LevelImage, kubectlPath: string): Promise<void> {
  const contextDir = path.join(REPO_ROOT, image.context);
  const files = listFiles(contextDir);
  const key = inputsKey(files, image.needsKubectl ? [readFileSync(kubectlPath).length.toString()] : []);
  let current = "";
  try {
    current = docker(["image", "inspect", image.tag, "-f", '{{index .Config.Labels "dev.kubequest.inputs"}}']);
  } catch {
    // not built yet
  }
  if (current === key) return;
  const ctx = mkdtempSync(path.join(os.tmpdir(), "kubequest-image-"));
  try {
    cpSync(contextDir, ctx, { recursive: true });
    if (image.needsKubectl) cpSync(kubectlPath, path.join(ctx, "kubectl"));
    if (image.needsProbe) cpSync(await buildProbe(), path.join(ctx, "kubequest-probe"));
    await runLogged(`image ${image.tag}`, "docker", ["build", "--label", `dev.kubequest.inputs=${key}`, "-t", image.tag, ctx]);
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of execFileSync("ls", ["-A", d], { encoding: "utf8" }).split("\n").filter(Boolean).sort()) {
      const p = path.join(d, entry);
      if (execFileSync("stat", ["-c", "%F", p], { encoding: "utf8" }).startsWith("directory")) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

export interface UpOptions {
  mode?: ClusterMode;
  /** 1 (the default): one node that is also the control plane; N: a control plane and N-1 workers. */
  nodes?: number;
}

/** `--nodes N` as given on the command line: a whole number from 1 to MAX_NODES. */
export function parseNodeCount(text: string | undefined): number {
  if (text === undefined) return 1;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_NODES) throw new Error(`--nodes takes a whole number from 1 to ${MAX_NODES} (got "${text}")`);
  return n;
}

/** `--nodes N` or `--nodes=N` among command-line flags; undefined when not given. */
export function nodesFlag(flags: readonly string[]): string | undefined {
  const at = flags.findIndex((f) => f === "--nodes" || f.startsWith("--nodes="));
  return at < 0 ? undefined : flags[at]!.includes("=") ? flags[at]!.slice("--nodes=".length) : (flags[at + 1] ?? "");
}

/** How many nodes the cluster that is there has (1 when there is none): what to keep. */
export function nodeCountToKeep(): number {
  return Math.max(1, Math.min(MAX_NODES, clusterContainers().length));
}

export interface ClusterInfo {
  kubeconfig: string;
  mode: "online" | "offline";
  nodeImage: string;
}

/**
 * Idempotent: makes sure the cluster runs, its kubeconfig is written and images are loaded.
 * One caller at a time per machine (cluster-lock.ts): a second one waits, then reuses the result.
 */
export function clusterUp(opts: UpOptions = {}): Promise<ClusterInfo> {
  return withClusterLock(() => clusterUpLocked(opts));
}

async function clusterUpLocked(opts: UpOptions): Promise<ClusterInfo> {
  const started = Date.now();
  const nodes = opts.nodes ?? 1;
  let mode = opts.mode ?? "auto";
  if (mode === "auto") {
    mode = (await registryReachable()) ? "online" : "offline";
    log(`cluster mode: ${mode} (${mode === "offline" ? "no container registry resolves; using the offline kit" : "a registry resolves"})`);
  }
  await runTimedStep(1, STEPS, "Docker engine", ensureDocker);

  let kindBinary = kindBinaryOnPath();
  let nodeImage = UPSTREAM_NODE_IMAGE;
  let kubectlForImages: string;
  if (mode === "offline") {
    log(`offline kit (${TOTAL_KIT_STEPS} steps, cached in ${KIT_CACHE}):`);
    const kit = await buildOfflineKit();
    kindBinary = kit.kindBinary;
    nodeImage = kit.nodeImage;
    kubectlForImages = path.join(kit.kubernetesBin, "kubectl");
  } else {
    if (!kindBinary) {
      const kindDir = path.join(KIT_CACHE, `kind-${KIND_VERSION}`);
      await runLogged("kind", "go", ["install", `sigs.k8s.io/kind@${KIND_VERSION}`], { env: { GOBIN: kindDir } });
      kindBinary = path.join(kindDir, "kind");
    }
    if (!imageExists(UPSTREAM_NODE_IMAGE)) await runLogged("pull node image", "docker", ["pull", UPSTREAM_NODE_IMAGE]);
    // The toolbox's kubectl is the node's own: same version as the cluster, no download.
    kubectlForImages = path.join(KIT_CACHE, "online-kubectl");
    mkdirSync(KIT_CACHE, { recursive: true });
    if (!existsSync(kubectlForImages)) {
      const id = docker(["create", UPSTREAM_NODE_IMAGE]);
      try {
        docker(["cp", `${id}:/usr/bin/kubectl`, kubectlForImages]);
      } finally {
        docker(["rm", "-f", id]);
      }
    }
  }
  const kind = kindBinary ?? "kind";

  const create = (config: string) => createCluster(kind, config);
  await runTimedStep(2, STEPS, `kind cluster "${CLUSTER_NAME}" (${nodes === 1 ? "1 node" : `a control plane and ${nodes - 1} worker${nodes === 2 ? "" : "s"}`})`, async () => {
    mkdirSync(KUBEQUEST_HOME, { recursive: true });
    const state = nodeContainerState();
    const config = renderKindConfig(readFileSync(path.join(REPO_ROOT, "cluster-kit", "kind-config.yaml"), "utf8"), nodeImage, mode === "offline", nodes);
    if (state !== "absent" && nodeImageId(nodeImage) !== "" && currentNodeImageId() !== nodeImageId(nodeImage)) {
      log(`  the cluster runs an older build of ${nodeImage}: recreating it`);
      await runLogged("kind delete", kind, ["delete", "cluster", "--name", CLUSTER_NAME]);
      return create(config);
    }
    // Another number of nodes, or a changed kind config (say, a new kubelet limit), only takes
    // effect in a new cluster.
    const running = clusterContainers().length;
    if (state !== "absent" && running !== nodes) {
      log(`  the cluster has ${running} node(s) and ${nodes} ${nodes === 1 ? "was" : "were"} asked for: recreating it`);
      await runLogged("kind delete", kind, ["delete", "cluster", "--name", CLUSTER_NAME]);
      return create(config);
    }
    if (state !== "absent" && existsSync(KIND_CONFIG_PATH) && !sameKindConfig(readFileSync(KIND_CONFIG_PATH, "utf8"), config)) {
      log(`  the cluster was made from an older cluster-kit/kind-config.yaml: recreating it`);
      await runLogged("kind delete", kind, ["delete", "cluster", "--name", CLUSTER_NAME]);
      return create(config);
    }
    if (state === "absent" && clusterContainers().length > 0) {
      // Workers without their control plane (a half-deleted cluster): kind create would fail on them.
      log(`  worker container(s) left without a control plane: deleting them before creating the cluster`);
      await runLogged("kind delete", kind, ["delete", "cluster", "--name", CLUSTER_NAME]);
      return create(config);
    }
    if (state === "absent") return create(config);
    const stopped = clusterContainers().filter((c) => !c.running);
    if (stopped.length > 0) {
      // The control plane first (its name sorts first too): the workers' kubelets look for it.
      log(`  node container(s) stopped: starting ${stopped.map((c) => c.name).join(", ")}`);
      for (const c of stopped) docker(["start", c.name]);
    }
    await runLogged("kind kubeconfig", kind, ["export", "kubeconfig", "--name", CLUSTER_NAME, "--kubeconfig", KUBECONFIG_PATH]);
  });

  await runTimedStep(3, STEPS, nodes === 1 ? "API server and node Ready" : `API server and ${nodes} nodes Ready`, () => waitForNodeReady(nodes, 180_000));

  // Offline with several nodes, kindnetd's work (kindnetd itself is an image from a registry).
  if (mode === "offline" && nodes > 1) {
    await runTimedStep(4, STEPS, "pod network across the nodes (CNI config, routes, masquerade)", async () => {
      const containers = nodeContainers(nodes);
      installNodeNetwork(containers, kubectl);
      await poll("every node's pod network", 120_000, () => nodeNetworkStatus(kubectl, containers) ?? true);
      // A new cluster's first pods can have been addressed from the node image's shared config;
      // also after a bring-up that failed past this point and is run again (it finds the
      // cluster, not created), so it is done every time: it deletes only pods whose address is
      // outside their node's range.
      repairPodAddresses(kubectl);
    });
  } else {
    log(`[4/${STEPS}] pod network: ${mode === "online" ? "kindnetd (upstream node image)" : "the node image's ptp config (one node)"}`);
  }

  await runTimedStep(5, STEPS, "level images", async () => {
    for (const image of LEVEL_IMAGES) await buildLevelImage(image, kubectlForImages);
    await loadLevelImages(kind);
  });

  // Offline only: the upstream node image's kindnetd enforces NetworkPolicy itself.
  if (mode === "offline") {
    await runTimedStep(6, STEPS, "NetworkPolicy enforcer (kube-router)", () => installKubeRouter(kind, kubectl));
  } else {
    log(`[6/${STEPS}] NetworkPolicy enforcer: kindnetd (upstream node image)`);
  }

  await runTimedStep(7, STEPS, "system pods Running", () => waitForSystemPods(180_000));
  log(`cluster "${CLUSTER_NAME}" is up in ${formatElapsed(Date.now() - started)}; kubeconfig: ${KUBECONFIG_PATH}`);
  return { kubeconfig: KUBECONFIG_PATH, mode, nodeImage };
}

/** The image ID the node container runs (a rebuilt node image keeps its tag, not its ID). */
function currentNodeImageId(): string {
  try {
    return docker(["inspect", "-f", "{{.Image}}", NODE_CONTAINER]);
  } catch {
    return "";
  }
}

function nodeImageId(tag: string): string {
  try {
    return docker(["image", "inspect", "-f", "{{.Id}}", tag]);
  } catch {
    return "";
  }
}

/**
 * `kind load` saves every image before it checks whether the node has it (15 s for ours), so
 * remember what was loaded into which node container and skip the load when nothing changed.
 */
async function loadLevelImages(kind: string): Promise<void> {
  const stamp = path.join(KUBEQUEST_HOME, "loaded-images.json");
  const wanted = JSON.stringify({
    // Every node's container: `kind load` loads into all of them.
    nodes: clusterContainerIds(),
    images: LEVEL_IMAGES.map((i) => `${i.tag}@${docker(["image", "inspect", "-f", "{{.Id}}", i.tag])}`),
  });
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === wanted) return;
  await runLogged("kind load", kind, ["load", "docker-image", "--name", CLUSTER_NAME, ...LEVEL_IMAGES.map((i) => i.tag)]);
  writeFileSync(stamp, wanted);
}

function currentNodeImage(): string {
  try {
    return docker(["inspect", "-f", "{{.Config.Image}}", NODE_CONTAINER]);
  } catch {
    return "";
  }
}

const KIND_CONFIG_PATH = path.join(KUBEQUEST_HOME, "kind-config.yaml");

/** Whether two rendered kind configs make the same cluster: comments and blank lines aside (a reworded comment recreates nothing). */
export function sameKindConfig(a: string, b: string): boolean {
  const meaningful = (text: string) =>
    text
      .split("\n")
      .map((l) => l.trimEnd())
      .filter((l) => l.trim() !== "" && !l.trim().startsWith("#"))
      .join("\n");
  return meaningful(a) === meaningful(b);
}

/** cluster-kit/kind-config.yaml filled in: the node image, kindnetd off when offline, N-1 workers. */
export function renderKindConfig(template: string, nodeImage: string, offline: boolean, nodes = 1): string {
  const workers = Array.from({ length: nodes - 1 }, () => `  - role: worker\n    image: ${nodeImage}\n`).join("");
  return template
    .replace("{{disableDefaultCNI}}", String(offline))
    .replaceAll("{{nodeImage}}", nodeImage)
    .replace("{{workers}}\n", workers);
}

async function createCluster(kind: string, config: string): Promise<void> {
  writeFileSync(KIND_CONFIG_PATH, config);
  await runLogged("kind create", kind, [
    "create",
    "cluster",
    "--name",
    CLUSTER_NAME,
    "--config",
    KIND_CONFIG_PATH,
    "--kubeconfig",
    KUBECONFIG_PATH,
    "--wait",
    "0s",
  ]);
}

async function poll(what: string, timeoutMs: number, check: () => string | true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    try {
      const r = check();
      if (r === true) return;
      last = r;
    } catch (err) {
      last = err instanceof Error ? err.message.split("\n")[0] ?? "" : String(err);
    }
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s: ${last}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

function waitForNodeReady(nodes: number, timeoutMs: number): Promise<void> {
  return poll(`${nodes} node(s) Ready`, timeoutMs, () => {
    const out = kubectl(["get", "nodes", "-o", "jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}"]);
    const lines = out.split("\n").filter(Boolean);
    return lines.length === nodes && lines.every((l) => l.endsWith("=True")) ? true : `nodes: ${out}`;
  });
}

function waitForSystemPods(timeoutMs: number): Promise<void> {
  return poll("kube-system pods Running", timeoutMs, () => {
    const out = kubectl(["get", "pods", "-n", "kube-system", "--no-headers"]);
    const notReady = out
      .split("\n")
      .filter((l) => l.trim())
      .filter((l) => {
        const [, ready, status] = l.trim().split(/\s+/);
        const [a, b] = (ready ?? "0/1").split("/");
        return status !== "Running" || a !== b;
      });
    return notReady.length === 0 && out.length > 0 ? true : `not ready: ${notReady.join("; ")}`;
  });
}

/**
 * For test stages and tools that need the cluster: `npm test` brings it up once in its own stage
 * and sets KUBEQUEST_CLUSTER_UP=done, so a later stage only checks that the API server answers;
 * run on its own (`npx vitest --project integration`), a stage brings the cluster up itself.
 */
export async function clusterForTests(): Promise<ClusterInfo> {
  if (process.env.KUBEQUEST_CLUSTER_UP === "done") {
    try {
      kubectl(["get", "--raw", "/readyz"], { timeoutMs: 20_000 });
      log(`cluster "${CLUSTER_NAME}": up (brought up by an earlier test stage)`);
      const nodeImage = currentNodeImage();
      return { kubeconfig: KUBECONFIG_PATH, mode: nodeImage.startsWith("kindest/") ? "online" : "offline", nodeImage };
    } catch (err) {
      log(`cluster "${CLUSTER_NAME}" does not answer (${err instanceof Error ? err.message.split("\n")[0] : String(err)}): bringing it up`);
    }
  }
  // Tests run on the cluster that is there: a 3-node one made with `cluster:up -- --nodes 3`
  // stays 3 nodes (only `cluster:up` itself, told no --nodes, means one).
  return clusterUp({ nodes: nodeCountToKeep() });
}

export function clusterDown(): Promise<void> {
  return withClusterLock(clusterDownLocked);
}

async function clusterDownLocked(): Promise<void> {
  const kind = kindBinaryOnPath() ?? path.join(KIT_CACHE, `kind-${KIND_VERSION}`, "kind");
  if (nodeContainerState() === "absent") {
    log(`no cluster "${CLUSTER_NAME}" to delete`);
    return;
  }
  await runTimedStep(1, 1, `delete kind cluster "${CLUSTER_NAME}"`, () =>
    runLogged("kind delete", kind, ["delete", "cluster", "--name", CLUSTER_NAME, "--kubeconfig", KUBECONFIG_PATH]),
  );
}

export function clusterStatus(): number {
  const state = nodeContainerState();
  log(`cluster "${CLUSTER_NAME}": node container ${state}${state === "absent" ? "" : ` (${currentNodeImage()})`}`);
  if (state !== "running") {
    log("start it with: npm run cluster:up");
    return 1;
  }
  log(`kubeconfig: ${KUBECONFIG_PATH}\n`);
  try {
    log(kubectl(["get", "nodes", "-o", "wide"]));
    log("");
    log(kubectl(["get", "pods", "-n", "kube-system", "-o", "wide"]));
  } catch (err) {
    log(`the API server does not answer: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
    return 1;
  }
  log("\nimages in the node:");
  const images = execFileSync("docker", ["exec", NODE_CONTAINER, "ctr", "-n", "k8s.io", "images", "ls", "-q"], {
    encoding: "utf8",
  })
    .split("\n")
    .filter((l) => l && !l.startsWith("sha256:"));
  for (const image of images) log(`  ${image}`);
  return 0;
}
