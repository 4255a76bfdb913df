// kubectl for tests of the cluster kit itself (product code goes through server/kubernetes).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { KUBECONFIG_PATH } from "../../../cluster-kit/kit-config";
import { kubectlBinary } from "../../../cluster-kit/cluster";
import { testNamespaceLabels } from "../../support/test-run-id";

export function kubectl(args: string[], opts: { input?: string; timeoutMs?: number } = {}): string {
  return execFileSync(kubectlBinary(), ["--kubeconfig", KUBECONFIG_PATH, ...args], {
    encoding: "utf8",
    input: opts.input,
    stdio: ["pipe", "pipe", "pipe"],
    timeout: opts.timeoutMs ?? 120_000,
  }).trim();
}

/** A fresh namespace labelled for cleanup; returns its name and a function deleting it. */
export function scratchNamespace(prefix: string): { name: string; remove: () => void } {
  const name = `kqtest-${prefix}-${randomBytes(3).toString("hex")}`;
  kubectl(["create", "namespace", name]);
  kubectl(["label", "namespace", name, ...Object.entries(testNamespaceLabels()).map(([k, v]) => `${k}=${v}`)]);
  return { name, remove: () => void kubectl(["delete", "namespace", name, "--wait=false"]) };
}

export function applyYaml(namespace: string, yaml: string): void {
  kubectl(["apply", "-n", namespace, "-f", "-"], { input: yaml });
}

export function waitFor(namespace: string, what: string, condition: string, timeout = "120s"): void {
  kubectl(["wait", "-n", namespace, `--for=${condition}`, what, `--timeout=${timeout}`], { timeoutMs: 180_000 });
}
