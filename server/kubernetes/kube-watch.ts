/**
 * Watching a level's namespace: one client-node Watch per kind, restarted when the server ends
 * it and backed off when it fails, reporting only "this object changed" (the live view re-reads).
 * Kept apart from the request/response calls, as @kubernetes/client-node keeps Watch apart: a
 * long-lived stream with its own restart policy.
 *
 * Node only.
 */
import { Watch, type KubeConfig } from "@kubernetes/client-node";
import type { KubeAdapter, WatchEvent, WatchedKind } from "./kube-adapter";

const WATCH_PATHS: Record<WatchedKind, (ns: string) => string> = {
  Pod: (ns) => `/api/v1/namespaces/${ns}/pods`,
  Service: (ns) => `/api/v1/namespaces/${ns}/services`,
  StatefulSet: (ns) => `/apis/apps/v1/namespaces/${ns}/statefulsets`,
  EndpointSlice: (ns) => `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`,
  Deployment: (ns) => `/apis/apps/v1/namespaces/${ns}/deployments`,
};

/** The KubeAdapter methods this file implements (kube-client.ts forwards them here). */
export const WATCH_METHODS = ["watch"] as const;

/** The adapter's watch, over client-node's Watch. */
export class KubeWatch implements Pick<KubeAdapter, (typeof WATCH_METHODS)[number]> {
  private readonly watcher: Watch;

  constructor(kc: KubeConfig) {
    this.watcher = new Watch(kc);
  }

  watch(namespace: string, kinds: WatchedKind[], onEvent: (event: WatchEvent) => void): () => void {
    let stopped = false;
    const running = new Set<{ controller?: AbortController; finished: boolean }>();
    const timers = new Set<NodeJS.Timeout>();

    const start = (kind: WatchedKind, failures: number): void => {
      if (stopped) return;
      const run: { controller?: AbortController; finished: boolean } = { finished: false };
      running.add(run);
      const startedAt = Date.now();
      let sawEvent = false;
      const done = (err: unknown): void => {
        if (run.finished) return;
        run.finished = true;
        running.delete(run);
        if (stopped) return;
        // A watch the server ended normally after a while restarts at once; one that failed
        // (cluster down, 410 Gone) backs off: 0.5 s, 1 s, 2 s, ... up to 30 s.
        const healthy = !err && (sawEvent || Date.now() - startedAt > 5_000);
        const nextFailures = healthy ? 0 : failures + 1;
        const delay = healthy ? 0 : Math.min(30_000, 500 * 2 ** failures);
        const timer = setTimeout(() => {
          timers.delete(timer);
          start(kind, nextFailures);
        }, delay);
        timers.add(timer);
      };
      this.watcher
        .watch(
          WATCH_PATHS[kind](encodeURIComponent(namespace)),
          // The server closes the watch after this long; restarting re-lists every object
          // (ADDED events), which also repairs anything missed.
          { timeoutSeconds: 300 },
          (type: string, obj: { metadata?: { name?: string } } | undefined) => {
            // After stop() nothing reaches the caller, whatever the aborted stream still delivers.
            if (stopped) return;
            if (type === "ADDED" || type === "MODIFIED" || type === "DELETED") {
              sawEvent = true;
              onEvent({ kind, type, name: obj?.metadata?.name ?? "" });
            } else if (type === "ERROR") {
              run.controller?.abort();
              done(new Error("watch error event"));
            }
          },
          done,
        )
        .then((controller) => {
          run.controller = controller;
          if (stopped || run.finished) controller.abort();
        })
        .catch(done);
    };

    for (const kind of new Set(kinds)) start(kind, 0);
    return () => {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const run of running) run.controller?.abort();
      running.clear();
    };
  }
}
