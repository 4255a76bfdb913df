/**
 * How the adapter's parts run one API call: whatever it throws becomes a KubeError naming the
 * operation, a read of something absent answers null, a slow answer is cut off. Separate so that
 * kube-apply.ts, kube-reads.ts and kube-namespaces.ts share one way of calling instead of each
 * keeping a copy.
 */
import type { ObjectRef } from "./kube-adapter";
import { toKubeError } from "./kube-errors";

/** How often a wait for a deletion looks again. */
export const DELETE_POLL_MS = 250;

/** Runs one API call, turning anything it throws into a KubeError. */
export async function callKube<T>(operation: string, fn: () => Promise<T>, resource?: ObjectRef): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toKubeError(err, { operation, resource });
  }
}

/** The HTTP status client-node put on a failed call (its ApiException's `code`), if any. */
export function statusCodeOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

/** Runs a read and answers null on 404. */
export async function orNull<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (err) {
    if (statusCodeOf(err) === 404) return null;
    throw err;
  }
}

/** Waits `ms` milliseconds (between the polls of a wait). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Rejects with a TimeoutError (mapped to "cluster-unreachable") when `promise` takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { name: "TimeoutError" })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
