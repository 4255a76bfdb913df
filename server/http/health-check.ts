/**
 * `GET /healthz` for load balancers: 200 when this instance can serve (its database answers,
 * and so does the Kubernetes cluster), else 503 with the reason. The body also says who this
 * instance is, whether it leads (runs the background jobs) and what it has run, so an operator
 * (and the two-instance test) can see which instance does what without reading logs.
 *
 * Answered before anything else: no session cookie, no rate limit, nothing stored.
 *
 * Node only.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { LeaderStatus } from "../coordination/leader-jobs";

export interface HealthDeps {
  instanceId: string;
  /** Resolves when the database answers a query. */
  database(): Promise<unknown>;
  /** Resolves when the cluster's API server answers. */
  cluster(): Promise<unknown>;
  leader(): LeaderStatus;
  /** Grading runs this instance started since it started. */
  gradingRuns(): number;
}

const CHECK_TIMEOUT_MS = 5_000;

async function probe(what: string, check: () => Promise<unknown>): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`${what} did not answer within ${CHECK_TIMEOUT_MS / 1000} s`), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      // Through a promise: a check may throw at once (no cluster configured at all).
      Promise.resolve()
        .then(check)
        .then(
          () => null,
          (err: unknown) => `${what} is unreachable: ${(err as { message?: string }).message ?? String(err)}`,
        ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function healthReport(deps: HealthDeps): Promise<{ status: 200 | 503; body: Record<string, unknown> }> {
  const [database, cluster] = await Promise.all([probe("the database", deps.database), probe("the Kubernetes cluster", deps.cluster)]);
  const problems = [database, cluster].filter((p): p is string => p !== null);
  return {
    status: problems.length === 0 ? 200 : 503,
    body: {
      status: problems.length === 0 ? "ok" : "unavailable",
      ...(problems.length > 0 ? { reason: problems.join("; ") } : {}),
      instance: deps.instanceId,
      database: database ?? "ok",
      cluster: cluster ?? "ok",
      ...deps.leader(),
      gradingRuns: deps.gradingRuns(),
    },
  };
}

/** Answers `/healthz`; false for every other request. */
export function serveHealth(req: IncomingMessage, res: ServerResponse, deps: HealthDeps): boolean {
  const path = (req.url ?? "").split("?")[0];
  if (path !== "/healthz" || (req.method !== "GET" && req.method !== "HEAD")) return false;
  void healthReport(deps).then(({ status, body }) => {
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : JSON.stringify(body));
  });
  return true;
}
