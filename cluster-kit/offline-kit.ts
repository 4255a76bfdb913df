/**
 * Builds everything a kind cluster needs on a machine with no container registry: kind itself,
 * Kubernetes, etcd, CoreDNS and pause from the Go module proxy, a Debian base from debootstrap,
 * kind's base image from Debian's packages, and the node image. Each step is cached by version
 * and by the hash of its script.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { KIND_VERSION, KIT_CACHE, KUBERNETES_VERSION, REPO_ROOT, STEPS_DIR } from "./kit-config";
import { kubeRouterBinaryStep, kubeRouterImageStep } from "./kube-router";
import { inputsKey, log, runCachedStep, runLogged, runTimedStep, type CachedStep } from "./step-runner";

const step = (name: string) => path.join(STEPS_DIR, name);

export interface OfflineKit {
  kindBinary: string;
  kubernetesBin: string;
  nodeImage: string;
  /** Whether the runc wrapper is needed on this machine (CAP_SYS_RESOURCE missing). */
  needsRuncWrapper: boolean;
}

/** Bit 24 of the capability bounding set is CAP_SYS_RESOURCE. */
export function lacksSysResource(): boolean {
  const status = readFileSync("/proc/self/status", "utf8");
  const hex = /^CapBnd:\s*([0-9a-f]+)/m.exec(status)?.[1];
  if (!hex) return false;
  return ((BigInt(`0x${hex}`) >> 24n) & 1n) === 0n;
}

export function imageExists(tag: string): boolean {
  try {
    execFileSync("docker", ["image", "inspect", tag], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function imageLabel(tag: string, label: string): string | undefined {
  try {
    const value = execFileSync("docker", ["image", "inspect", tag, "-f", `{{index .Config.Labels "${label}"}}`], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    return value && value !== "<no value>" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Builds a Docker image unless one with the same inputs key exists (key kept as a label). */
async function ensureImage(
  index: number,
  total: number,
  name: string,
  tag: string,
  key: string,
  build: () => Promise<string>,
): Promise<void> {
  if (imageLabel(tag, "dev.kubequest.kit-key") === key) {
    log(`[${index}/${total}] ${name}: cached (${tag})`);
    return;
  }
  await runTimedStep(index, total, name, async () => {
    await build();
    // Record the inputs key on the image itself, so a changed script rebuilds it.
    await runLogged(`${name} label`, "sh", [
      "-c",
      `echo "FROM ${tag}" | docker build -q --label dev.kubequest.kit-key=${key} -t ${tag} -`,
    ]);
  });
}

/** The wrapper binary for Docker and the node (built even where unused: it is tiny). */
function runcWrapperStep(): CachedStep {
  const src = path.join(REPO_ROOT, "cluster-kit", "runc-wrapper");
  const outDir = path.join(KIT_CACHE, "runc-wrapper");
  return {
    name: "runc wrapper",
    outDir,
    key: inputsKey([path.join(src, "main.go"), path.join(src, "go.mod")]),
    run: (dir) =>
      runLogged("runc-wrapper", "go", ["build", "-trimpath", "-ldflags", "-s -w", "-o", path.join(dir, "runc-wrapper"), "."], {
        cwd: src,
        env: { CGO_ENABLED: "0", GOFLAGS: "-buildvcs=false", GOTOOLCHAIN: "local" },
      }).then(() => undefined),
  };
}

export const runcWrapperBinary = () => path.join(KIT_CACHE, "runc-wrapper", "runc-wrapper");

export async function buildRuncWrapper(): Promise<string> {
  await runCachedStep(0, 0, runcWrapperStep());
  return runcWrapperBinary();
}

/**
 * The grader's probe (images/toolbox/probe, Go): built here and copied into the toolbox image's
 * build context, like kubectl. Static, so it runs in the Debian image as built.
 */
function probeStep(): CachedStep {
  const src = path.join(REPO_ROOT, "images", "toolbox", "probe");
  const outDir = path.join(KIT_CACHE, "kubequest-probe");
  return {
    name: "grader probe",
    outDir,
    key: inputsKey(["go.mod", "go.sum", ...readdirSync(src).filter((f) => f.endsWith(".go") && !f.endsWith("_test.go"))].sort().map((f) => path.join(src, f))),
    run: (dir) =>
      runLogged("kubequest-probe", "go", ["build", "-trimpath", "-ldflags", "-s -w", "-o", path.join(dir, "kubequest-probe"), "."], {
        cwd: src,
        env: { CGO_ENABLED: "0", GOFLAGS: "-buildvcs=false", GOTOOLCHAIN: "local" },
      }).then(() => undefined),
  };
}

export async function buildProbe(): Promise<string> {
  await runCachedStep(0, 0, probeStep());
  return path.join(KIT_CACHE, "kubequest-probe", "kubequest-probe");
}

/** Names the component images kubeadm will ask for, e.g. etcd "3.6.5-0". */
function kubeadmImageTags(kubeadm: string): Map<string, string> {
  const lines = execFileSync(kubeadm, ["config", "images", "list", "--kubernetes-version", KUBERNETES_VERSION], {
    encoding: "utf8",
  })
    .trim()
    .split("\n");
  const tags = new Map<string, string>();
  for (const line of lines) {
    const m = /\/([a-z-]+):(.+)$/.exec(line.trim());
    if (m?.[1] && m[2]) tags.set(m[1], m[2]);
  }
  return tags;
}

export const TOTAL_KIT_STEPS = 11;

export async function buildOfflineKit(): Promise<OfflineKit> {
  const total = TOTAL_KIT_STEPS;
  const needsRuncWrapper = lacksSysResource();

  await runCachedStep(1, total, runcWrapperStep());

  const kindDir = path.join(KIT_CACHE, `kind-${KIND_VERSION}`);
  await runCachedStep(2, total, {
    name: `kind ${KIND_VERSION}`,
    outDir: kindDir,
    key: KIND_VERSION,
    run: (dir) =>
      runLogged("kind", "go", ["install", `sigs.k8s.io/kind@${KIND_VERSION}`], {
        env: { GOBIN: dir, CGO_ENABLED: "0", GOFLAGS: "-buildvcs=false", GOTOOLCHAIN: "local" },
      }).then(() => undefined),
  });

  const k8sDir = path.join(KIT_CACHE, `kubernetes-${KUBERNETES_VERSION}`);
  await runCachedStep(3, total, {
    name: `Kubernetes ${KUBERNETES_VERSION} binaries (cold: ~13 min on 2 cores)`,
    outDir: k8sDir,
    key: inputsKey([step("build-kubernetes.sh")], [KUBERNETES_VERSION]),
    run: (dir) => runLogged("kubernetes", "bash", [step("build-kubernetes.sh"), KUBERNETES_VERSION, dir]).then(() => undefined),
  });

  const tags = kubeadmImageTags(path.join(k8sDir, "kubeadm"));
  const etcdVersion = `v${(tags.get("etcd") ?? "").replace(/-\d+$/, "")}`;
  const corednsVersion = tags.get("coredns") ?? "";
  const pauseVersion = tags.get("pause") ?? "";
  if (etcdVersion === "v" || !corednsVersion || !pauseVersion) {
    throw new Error(`kubeadm did not name etcd/coredns/pause versions: ${JSON.stringify([...tags])}`);
  }

  const etcdDir = path.join(KIT_CACHE, `etcd-${etcdVersion}`);
  await runCachedStep(4, total, {
    name: `etcd ${etcdVersion}`,
    outDir: etcdDir,
    key: inputsKey([step("build-etcd.sh")], [etcdVersion]),
    run: (dir) => runLogged("etcd", "bash", [step("build-etcd.sh"), etcdVersion, dir]).then(() => undefined),
  });
  const corednsDir = path.join(KIT_CACHE, `coredns-${corednsVersion}`);
  await runCachedStep(5, total, {
    name: `CoreDNS ${corednsVersion}`,
    outDir: corednsDir,
    key: inputsKey([step("build-coredns.sh")], [corednsVersion]),
    run: (dir) => runLogged("coredns", "bash", [step("build-coredns.sh"), corednsVersion, dir]).then(() => undefined),
  });
  const pauseDir = path.join(KIT_CACHE, `pause-${pauseVersion}`);
  await runCachedStep(6, total, {
    name: `pause ${pauseVersion}`,
    outDir: pauseDir,
    key: inputsKey([step("build-pause.sh")], [pauseVersion, KUBERNETES_VERSION]),
    run: (dir) =>
      runLogged("pause", "bash", [step("build-pause.sh"), KUBERNETES_VERSION, pauseVersion, dir]).then(() => undefined),
  });

  // The NetworkPolicy enforcer (kube-router's firewall controller): without it the ptp CNI lets
  // any pod reach any other, so one learner could reach another's level.
  await runCachedStep(7, total, kubeRouterBinaryStep());

  const debianKey = inputsKey([step("build-debian-slim.sh")]);
  await ensureImage(8, total, "debian:bookworm-slim from debootstrap", "debian:bookworm-slim", debianKey, () =>
    runLogged("debian-slim", "bash", [step("build-debian-slim.sh"), "debian:bookworm-slim"]),
  );

  const baseTag = `kubequest/kind-base:${KIND_VERSION}`;
  const baseKey = inputsKey(
    [step("build-kind-base.sh"), path.join(REPO_ROOT, "cluster-kit/images/kind-base/Dockerfile"), runcWrapperBinary()],
    [debianKey, String(needsRuncWrapper)],
  );
  const kubeRouterImage = kubeRouterImageStep(debianKey);
  await ensureImage(9, total, kubeRouterImage.name, kubeRouterImage.tag, kubeRouterImage.key, kubeRouterImage.build);

  await ensureImage(10, total, "kind base image (Debian systemd, containerd, runc, CNI)", baseTag, baseKey, () =>
    runLogged("kind-base", "bash", [step("build-kind-base.sh"), KIND_VERSION, runcWrapperBinary(), needsRuncWrapper ? "1" : "0", baseTag]),
  );

  const nodeKey = inputsKey(
    [
      step("build-node-image.sh"),
      path.join(REPO_ROOT, "cluster-kit/images/kube-proxy/Dockerfile"),
      path.join(REPO_ROOT, "cluster-kit/images/kube-proxy/iptables-select-backend"),
      path.join(k8sDir, ".kit-key"),
      path.join(etcdDir, ".kit-key"),
      path.join(corednsDir, ".kit-key"),
      path.join(pauseDir, ".kit-key"),
    ],
    [baseKey],
  );
  const nodeImage = `kubequest/kind-node:${KUBERNETES_VERSION}`;
  await ensureImage(11, total, `node image ${nodeImage}`, nodeImage, nodeKey, async () => {
    // build-node-image.sh expects <bin>/{kubernetes,etcd,coredns,pause}.
    const binRoot = path.join(KIT_CACHE, "node-inputs");
    await runLogged("node-inputs", "sh", [
      "-c",
      `rm -rf "${binRoot}" && mkdir -p "${binRoot}" && ln -s "${k8sDir}" "${binRoot}/kubernetes" && ln -s "${etcdDir}" "${binRoot}/etcd" && ln -s "${corednsDir}" "${binRoot}/coredns" && ln -s "${pauseDir}" "${binRoot}/pause"`,
    ]);
    return runLogged("node-image", "bash", [step("build-node-image.sh"), baseTag, binRoot, KUBERNETES_VERSION, nodeImage]);
  });

  const kindBinary = path.join(kindDir, "kind");
  if (!existsSync(kindBinary)) throw new Error(`kind was not built at ${kindBinary}`);
  return { kindBinary, kubernetesBin: k8sDir, nodeImage, needsRuncWrapper };
}
