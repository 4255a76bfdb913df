/**
 * HTTP to a port of a pod through the API server's pod proxy
 * (`/api/v1/namespaces/<ns>/pods/<pod>:<port>/proxy/<path>`): how the grader asks its probe
 * agent, a process already running in the probe pod, instead of starting one per grade with an
 * exec (about 110 ms of the node's CPU each, and a second or more of waiting on a busy node).
 * The same kubeconfig, credentials and keep-alive agent as every other call; the answer's size
 * and the wait are bounded here, since client-node's proxy calls bound neither and cannot send
 * a body.
 *
 * Node only.
 */
import http from "node:http";
import https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { KubeError, type KubeAdapter, type PodProxyRequest, type PodProxyResponse } from "./kube-adapter";
import type { SharedAgent } from "./kube-config";
import { START_CLUSTER_ACTION, toKubeError } from "./kube-errors";

export const POD_PROXY_METHODS = ["podProxy"] as const;

export class KubePodProxy implements Pick<KubeAdapter, (typeof POD_PROXY_METHODS)[number]> {
  constructor(
    private readonly kc: KubeConfig,
    private readonly agentOf: SharedAgent,
  ) {}

  async podProxy(namespace: string, pod: string, port: number, path: string, req: PodProxyRequest): Promise<PodProxyResponse> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new KubeError("cluster-unreachable", "The kubeconfig names no current cluster.", { action: START_CLUSTER_ACTION });
    const target = `${namespace}/${pod}:${port}${path}`;
    const url = new URL(`${cluster.server.replace(/\/+$/, "")}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}:${port}/proxy${path}`);
    const opts: https.RequestOptions = { method: req.method, headers: { ...req.headers } };
    await this.kc.applyToHTTPSOptions(opts);
    const agent = await this.agentOf();
    if (agent) opts.agent = agent;
    if (req.body !== undefined) (opts.headers as Record<string, string | number>)["Content-Length"] = Buffer.byteLength(req.body);
    return new Promise<PodProxyResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        request.destroy();
        reject(new KubeError("timeout", `No answer from ${target} through the API server within ${Math.round(req.timeoutMs / 1000)} s.`));
      }, req.timeoutMs);
      const request = (url.protocol === "http:" ? http : https).request(url, opts, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > req.maxResponseBytes) {
            clearTimeout(timer);
            res.destroy();
            reject(new KubeError("cluster-error", `${target} answered more than ${req.maxResponseBytes} bytes.`));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", (err) => {
          clearTimeout(timer);
          reject(toKubeError(err, { operation: `reading the answer of ${target}` }));
        });
      });
      request.on("error", (err) => {
        clearTimeout(timer);
        reject(toKubeError(err, { operation: `asking ${target}` }));
      });
      request.end(req.body);
    });
  }
}
