/**
 * How a learner's attempt at a level is named and labelled in the cluster. Names come from
 * server-side ids only (the signed session id and the level's number), never from user text.
 */
import { createHash } from "node:crypto";
import { NAMESPACE_PATTERN } from "../../lib/levels/kube-object";
import { isKubernetesLabelValue } from "../config/server-config";

export const LABELS = {
  managedBy: "app.kubernetes.io/managed-by",
  session: "kubequest.dev/session",
  level: "kubequest.dev/level",
  /** Unix seconds; the idle reaper deletes environments older than the TTL. */
  createdAt: "kubequest.dev/created-at",
  /** "true" once the main grade passed; kept on the namespace so it survives restarts. */
  passed: "kubequest.dev/passed",
  /**
   * The test run that made the environment (KUBEQUEST_TEST_RUN): the test suites' global
   * teardowns delete exactly these namespaces, and a test server's reaper touches nothing else.
   */
  testRun: "kubequest.dev/test-run",
} as const;

export const MANAGED_BY = "kubequest";

/**
 * The first 10 hex characters of sha256(learner id): enough to keep learners apart (2^40), and
 * the id itself never appears in the cluster. (The label is still called `session`: the
 * environments that exist carry it, and the reaper and the teardowns select by it.)
 */
export function learnerHash(learnerId: string): string {
  return createHash("sha256").update(learnerId).digest("hex").slice(0, 10);
}

/**
 * The key of a learner's attempt at a level (learner and level; its namespace follows from
 * them): environments are cached under it, terminals opened under it, and a reset (the
 * learner's or their instructor's) closes the attempt's terminal by it.
 */
export const attemptKeyOf = (learnerId: string, levelId: string): string => `${learnerId}:${levelId}`;

/** `kq-<learner hash>-<level number>`, an RFC 1123 label. */
export function environmentNamespace(learnerId: string, levelNumber: number): string {
  if (!Number.isInteger(levelNumber) || levelNumber < 0) throw new Error(`invalid level number ${levelNumber}`);
  const name = `kq-${learnerHash(learnerId)}-${levelNumber}`;
  if (!NAMESPACE_PATTERN.test(name)) throw new Error(`"${name}" is not a valid namespace name`);
  return name;
}

/** Labels of a new environment namespace, Pod Security included. */
export function environmentLabels(learnerId: string, levelId: string, nowMs: number): Record<string, string> {
  return {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.session]: learnerHash(learnerId),
    [LABELS.level]: levelId,
    [LABELS.createdAt]: String(Math.floor(nowMs / 1000)),
    // Restricted is enforced: on a cluster shared by a class, a root pod or one without a
    // seccomp profile is one kernel bug away from every other learner's level. Every platform
    // and level pod runs as non-root with RuntimeDefault seccomp and no capabilities.
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/warn": "restricted",
  };
}

/** Finds one learner's environment for one level, whatever its namespace is called. */
export function environmentSelector(learnerId: string, levelId: string): string {
  return `${LABELS.managedBy}=${MANAGED_BY},${LABELS.session}=${learnerHash(learnerId)},${LABELS.level}=${levelId}`;
}

/**
 * Every learner environment KubeQuest made (for the reaper). The session label matters:
 * KubeQuest's own namespaces (the grader's kubequest-system) are managed-by=kubequest too.
 */
export const ALL_ENVIRONMENTS_SELECTOR = `${LABELS.managedBy}=${MANAGED_BY},${LABELS.session}`;

/**
 * The labels a server started by a test run puts on every environment it creates, from its
 * test run id (KUBEQUEST_TEST_RUN); none for a real server. Refused loudly when the id cannot
 * be a label value, since an unlabelled test environment would outlive its run.
 */
export function testRunLabels(run: string | undefined): Record<string, string> {
  if (run === undefined || run === "") return {};
  if (!isKubernetesLabelValue(run)) {
    throw new Error(`KUBEQUEST_TEST_RUN="${run}" is not a Kubernetes label value: use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit.`);
  }
  return { [LABELS.testRun]: run };
}

/**
 * The environments a reaper may delete: every learner environment, narrowed to those carrying
 * all of `scope` (a test server's reaper must never reach a developer's real environments).
 */
export function reapableSelector(scope: Record<string, string>): string {
  return [ALL_ENVIRONMENTS_SELECTOR, ...Object.entries(scope).map(([k, v]) => `${k}=${v}`)].join(",");
}

/** Whether an environment created at `createdAtLabel` (unix seconds) is older than `ttlMs`. */
export function isExpired(createdAtLabel: string | undefined, nowMs: number, ttlMs: number): boolean {
  if (!createdAtLabel || !/^\d+$/.test(createdAtLabel)) return false;
  return nowMs - Number(createdAtLabel) * 1000 > ttlMs;
}
