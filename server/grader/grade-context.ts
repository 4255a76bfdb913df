/**
 * What a grade looks at, gathered for all of a round's checks at once. The context knows no
 * check type and no level: it asks the check library for the level's checks, and each check's
 * definition says which namespace reads it looks at and which in-cluster probe requests it needs.
 * It gathers exactly those: the reads together in one snapshot (refreshed on demand, e.g. while
 * waiting for pods), the shared probe requests in one run, each at most once per snapshot.
 * Checks read from here instead of calling the cluster themselves, so a whole grade costs a
 * handful of API calls and one request to the probe agent.
 *
 * Every read and probe here is idempotent, so a transient failure (an API error, the probe pod
 * gone) is retried with backoff until the current check's budget runs out; what still fails is
 * thrown, and the runner turns it into the check's `error` status (see grade-failure.ts).
 */
import type { LevelManifest } from "../../lib/levels/level-schema";
import type { KubeAdapter } from "../kubernetes/kube-adapter";
import { planChecks } from "./checks/check-library";
import { DEFAULT_CHECK_BUDGET_MS, type GradeView, type PlannedCheck } from "./checks/check-types";
import { isTransient, RetriesExhausted, withRetries } from "./grade-failure";
import { takeSnapshot, type NamespaceRead, type Snapshot } from "./namespace-reads";
import { runProbe, type ProbeRecord, type ProbeRequest } from "./probe";

export interface GradeContextOptions {
  /** The probe pod to gather in-cluster evidence from (the server's by default). */
  probePod?: string;
  /** The wait after a new probe pod is ready (the probe pod's default unless given). */
  probePodSettleMs?: number;
  /** The level's checks, resolved (by default from the check library); tests bring their own. */
  checks?: readonly PlannedCheck[];
}

/** The probe run key of the shared requests (a check's own runs use their own keys). */
const SHARED_PROBE = "(shared)";

/** `items` without repeats (by `key`), in the order each first appears. */
function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export class GradeContext implements GradeView {
  /** The level's checks, resolved against the check library. */
  readonly checks: readonly PlannedCheck[];
  private readonly reads: readonly NamespaceRead<unknown>[];
  private snapshotPromise: Promise<Snapshot> | undefined;
  private readonly probes = new Map<string, Promise<ProbeRecord[]>>();
  /** Until when the running check may retry (set by the runner before each check). */
  private budgetDeadline = Date.now() + DEFAULT_CHECK_BUDGET_MS;

  constructor(
    readonly kube: KubeAdapter,
    readonly level: { readonly manifest: LevelManifest },
    readonly namespace: string,
    readonly options: GradeContextOptions = {},
  ) {
    this.checks = options.checks ?? planChecks(level.manifest.grader);
    this.reads = uniqueBy(
      this.checks.flatMap((c) => c.definition.reads),
      (r) => r.name,
    );
  }

  /** Starts a check's budget: reads and probes retry until `ms` from now. */
  setBudget(ms: number): void {
    this.budgetDeadline = Date.now() + ms;
  }

  /** Runs an idempotent read or probe, retrying transient failures within the budget. */
  retrying<T>(attempt: () => Promise<T>): Promise<T> {
    return withRetries(attempt, { deadline: this.budgetDeadline });
  }

  get workload() {
    return this.level.manifest.workload;
  }

  snapshot(): Promise<Snapshot> {
    if (!this.snapshotPromise) {
      const p = this.retrying(() => this.gather());
      this.snapshotPromise = p;
      p.catch(() => {
        if (this.snapshotPromise === p) this.snapshotPromise = undefined;
      });
    }
    return this.snapshotPromise;
  }

  /** Reads the namespace again (pods change while we wait for them). */
  refresh(): Promise<Snapshot> {
    this.snapshotPromise = undefined;
    this.probes.clear();
    return this.snapshot();
  }

  /** The shared requests of every check of the level, made from the current snapshot, in one run. */
  async sharedProbe(): Promise<ProbeRecord[]> {
    const snapshot = await this.snapshot();
    const requests = uniqueBy(
      this.checks.flatMap((c) => c.definition.sharedProbes?.({ snapshot, params: c.spec.params, ctx: this }) ?? []),
      (r) => JSON.stringify(r),
    );
    if (requests.length === 0) return [];
    return this.probe(SHARED_PROBE, requests);
  }

  /** Runs a set of probe requests once per grade (keyed by name) and caches the records. */
  probe(key: string, requests: ProbeRequest[], timeoutMs?: number): Promise<ProbeRecord[]> {
    // A run shared with an earlier caller (the prefetch) gave up on *its* budget: the check
    // asking now tries again on its own while its budget lasts.
    return this.cachedProbe(key, requests, timeoutMs).catch((err: unknown) => {
      const cause = err instanceof RetriesExhausted ? err.last : err;
      if (!isTransient(cause) || Date.now() + 1000 > this.budgetDeadline) throw err;
      return this.cachedProbe(key, requests, timeoutMs);
    });
  }

  private cachedProbe(key: string, requests: ProbeRequest[], timeoutMs?: number): Promise<ProbeRecord[]> {
    let p = this.probes.get(key);
    if (!p) {
      p = this.retrying(() =>
        runProbe(this.kube, requests, {
          timeoutMs,
          podName: this.options.probePod,
          podSettleMs: this.options.probePodSettleMs,
          // A probe pod that must be recreated gets what is left of the budget, at least 5 s.
          podReadyTimeoutMs: Math.max(5_000, this.budgetDeadline - Date.now()),
        }),
      );
      this.probes.set(key, p);
      // A failed probe is not cached: a later check (or a refresh) tries afresh.
      p.catch(() => {
        if (this.probes.get(key) === p) this.probes.delete(key);
      });
    }
    return p;
  }

  /** Starts the shared probe early (errors surface in the checks that await it). */
  async prefetch(): Promise<void> {
    // Starts after the caller's first check set its budget (synchronously, right after this
    // call): the shared reads retry within that check's budget, not the default one.
    await Promise.resolve();
    try {
      await this.sharedProbe();
    } catch {
      // The check that needs the probe reports the failure with its own words.
    }
  }

  /** One look at the namespace: every declared read, each once, side by side. */
  private gather(): Promise<Snapshot> {
    return takeSnapshot({ kube: this.kube, namespace: this.namespace, manifest: this.level.manifest }, this.reads);
  }
}
