/**
 * A learner's attempt at a level: its own namespace holding the platform objects (toolbox pod,
 * ServiceAccount, RBAC, quota, limits) and the level's broken setup. This module opens, starts,
 * resets and reaps those environments; every Kubernetes call goes through the KubeAdapter.
 *
 * One attempt has one key: the learner and the level (`attemptKeyOf`). A start, reset or
 * deletion of an attempt holds the lease `environment:<attempt key>` (coordination/), so with
 * several instances one builds and the others wait for it and then read what it built; the
 * installation's cap is decided under the lease `environment-admission`, one decision at a
 * time across instances, held until the new namespace exists (then the cluster counts it).
 *
 * Node only.
 */
import type { KubeObject } from "../../lib/levels/kube-object";
import type { EnvironmentStatus, ProgressEvent } from "../../lib/protocol/socket-events";
import { DEFAULT_MAX_ENVIRONMENTS, testRunFrom, warmPoolFrom, type WarmPoolSizes } from "../config/server-config";
import { Leases, type HeldLease } from "../coordination/coordination";
import { MemoryLeaseTable } from "../coordination/memory-coordination";
import { ActionableFailure, asActionableError, failure } from "../errors/actionable-failure";
import type { KubeAdapter } from "../kubernetes/kube-adapter";
import type { LoadedLevel } from "../levels/level-catalog";
import { moduleLogger } from "../logging/logger";
import { ensureNodeRulesCollector } from "../node-rules/node-rules-collector";
import { EnvironmentCapacity } from "./environment-capacity";
import { readinessOf, readinessPhrase, readinessWaits, type ReadinessWait } from "./environment-readiness";
import {
  attemptKeyOf,
  LABELS,
  MANAGED_BY,
  environmentLabels,
  environmentNamespace,
  environmentSelector,
  isExpired,
  reapableSelector,
  testRunLabels,
} from "./environment-naming";
import { apiServerEgressPolicy, ensureAdmissionPolicies } from "./learner-fences";
import { WarmPool, type ListedNamespace } from "./warm-pool";

const log = moduleLogger("environments");

const ENVIRONMENT_LEASE_PREFIX = "environment:";
/** The lease a start, reset or deletion of the learner's attempt at a level holds. */
export const environmentLease = (learnerId: string, levelId: string): string => `${ENVIRONMENT_LEASE_PREFIX}${attemptKeyOf(learnerId, levelId)}`;
/** Every namespace KubeQuest manages: learners' environments (with a session label), the pool's, its own. */
const MANAGED_SELECTOR = `${LABELS.managedBy}=${MANAGED_BY}`;
/** The lease under which the installation's cap is decided. */
const ADMISSION_LEASE = "environment-admission";

/** Where progress and status changes go (the socket layer sends them to the namespace's room). */
export interface EnvironmentEvents {
  progress(namespace: string, progress: ProgressEvent): void;
  status(namespace: string, status: EnvironmentStatus): void;
}

export interface LevelEnvironmentOptions {
  /** A getter, so a cluster started after the server is picked up. */
  kube: () => KubeAdapter;
  levels: () => Promise<{ get(id: string): LoadedLevel | undefined; list(): LoadedLevel[] }>;
  events?: EnvironmentEvents;
  /** How long the toolbox and the workload's first pod get to reach Running. */
  readyTimeoutMs?: number;
  /** Environments older than this are deleted by the reaper. */
  ttlMs?: number;
  /** Most environments running at once on the cluster; default 12 (the server passes KUBEQUEST_MAX_ENVIRONMENTS). */
  maxEnvironments?: number;
  now?: () => number;
  /**
   * Labels every environment this instance creates carries, and that the reaper requires of
   * what it deletes. Default: the test run's label when KUBEQUEST_TEST_RUN is set, else none.
   */
  scopeLabels?: Record<string, string>;
  /** Locks shared by every instance; default: this process's own (one instance). */
  leases?: Leases;
  /** Other work learners wait on the cluster for (grading runs, counted by the server), which the warm pool's refill lets go first, like learners' builds. */
  poolAlsoWaitsFor?: () => Promise<number>;
  /** Whether this instance refills the warm pool after a claim (the leader); default yes. */
  mayRefillPool?: () => boolean;
  /**
   * Pre-started environments kept per level, or per level named (KUBEQUEST_WARM_POOL, default 2 for every level; 0 turns it off).
   * A start takes one when there is one, and builds as before when there is none.
   */
  warmPoolSize?: number | WarmPoolSizes;
}

/** What a ready environment gives the editor, the terminal, the live view and the grader. */
export interface ReadyEnvironment {
  namespace: string;
  level: LoadedLevel;
  /** The pod the learner's terminal and the probes exec into. */
  toolboxPod: string;
}

const POLL_MS = 300;
/** Environments live a day unless the configuration says otherwise (KUBEQUEST_ENV_TTL_HOURS). */
const DEFAULT_TTL_MS = 24 * 3600_000;

function toolboxPodOf(objects: KubeObject[]): string {
  return objects.find((o) => o.kind === "Pod")?.metadata.name ?? "toolbox";
}

function statusMessage(err: unknown): string {
  const e = asActionableError(err);
  if (!e) return "Setting up the level failed on the server.";
  return e.action ? `${e.message} ${e.action}` : e.message;
}

export class LevelEnvironments {
  private readonly inflight = new Map<string, { phase: "provisioning" | "resetting"; promise: Promise<EnvironmentStatus> }>();
  /** Namespaces known to be ready, so every apply or terminal does not have to ask the cluster. */
  private readonly ready = new Map<string, ReadyEnvironment>();
  private readonly readyTimeoutMs: number;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly scopeLabels: Record<string, string>;
  private readonly capacity: EnvironmentCapacity;
  /** Admitted environments still being built (their namespace may not be listed yet). */
  private readonly building = new Set<string>();
  private readonly leases: Leases;
  readonly pool: WarmPool;

  constructor(private readonly opts: LevelEnvironmentOptions) {
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 90_000;
    this.ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
    this.now = opts.now ?? Date.now;
    this.scopeLabels = opts.scopeLabels ?? testRunLabels(testRunFrom());
    this.capacity = new EnvironmentCapacity({ max: opts.maxEnvironments ?? DEFAULT_MAX_ENVIRONMENTS, now: this.now });
    this.leases = opts.leases ?? new Leases(new MemoryLeaseTable(), { instanceId: "local", leaseMs: 15_000, pollMs: 50 });
    this.pool = new WarmPool({
      kube: opts.kube,
      levels: opts.levels,
      size: opts.warmPoolSize ?? warmPoolFrom(),
      scopeLabels: this.scopeLabels,
      now: this.now,
      build: (level, namespace, labels) => this.build(level, namespace, labels, []),
      // Learners' starts and resets hold their attempt's lease while they build (any instance).
      learnersWaiting: async () =>
        (await this.leases.countHeld(ENVIRONMENT_LEASE_PREFIX, ["provisioning", "resetting"])) + ((await opts.poolAlsoWaitsFor?.()) ?? 0),
      ...(opts.mayRefillPool ? { mayRefill: opts.mayRefillPool } : {}),
    });
  }

  private key(learnerId: string, levelId: string): string {
    return attemptKeyOf(learnerId, levelId);
  }

  /**
   * Takes the attempt's lease, waiting while another instance (or an earlier request here)
   * holds it. `waited` says what the other holder was doing, when there was one.
   */
  private async holdAttempt(learnerId: string, levelId: string, phase: "provisioning" | "resetting" | "deleting"): Promise<{ lease: HeldLease; waited: { info: string | null } | null }> {
    const name = environmentLease(learnerId, levelId);
    let waited: { info: string | null } | null = null;
    for (;;) {
      const lease = await this.leases.tryAcquire(name, phase);
      if (lease) return { lease, waited };
      waited = (await this.leases.holderOf(name)) ?? waited ?? { info: null };
      await this.leases.waitUntilFree(name);
    }
  }

  /** Forgets what this instance knew of the attempt (another instance reset or deleted it). */
  forget(learnerId: string, levelId: string): void {
    this.ready.delete(this.key(learnerId, levelId));
  }

  private async level(levelId: string): Promise<LoadedLevel> {
    const level = (await this.opts.levels()).get(levelId);
    if (!level) throw failure("unknown-level", `There is no level "${levelId}".`, "Pick a level from the level list.");
    return level;
  }

  /**
   * The namespace of this learner's attempt: the one they have (a pooled one has a name of its
   * own), else the name a fresh start would give it.
   */
  async namespaceOf(learnerId: string, levelId: string): Promise<string> {
    const level = await this.level(levelId);
    const known = this.ready.get(this.key(learnerId, levelId));
    if (known) return known.namespace;
    const found = await this.opts
      .kube()
      .listNamespaces(environmentSelector(learnerId, level.manifest.id))
      .catch(() => []);
    return found.find((ns) => !ns.deleting)?.name ?? environmentNamespace(learnerId, level.manifest.number);
  }

  /** Finds the learner's environment again (after a reload or a server restart) and says how it is. */
  async open(learnerId: string, levelId: string): Promise<EnvironmentStatus> {
    const level = await this.level(levelId);
    const namespace = environmentNamespace(learnerId, level.manifest.number);
    const running = this.inflight.get(this.key(learnerId, levelId));
    if (running) return { levelId, phase: running.phase, namespace, passed: false };
    try {
      // Another instance building or resetting it says so, as this one would.
      const elsewhere = await this.leases.holderOf(environmentLease(learnerId, levelId));
      if (elsewhere?.info === "provisioning" || elsewhere?.info === "resetting") return { levelId, phase: elsewhere.info, namespace, passed: false };
      return await this.inspect(learnerId, level);
    } catch (err) {
      return { levelId, phase: "failed", namespace, passed: false, message: statusMessage(err) };
    }
  }

  private async inspect(learnerId: string, level: LoadedLevel): Promise<EnvironmentStatus> {
    const levelId = level.manifest.id;
    const kube = this.opts.kube();
    const found = (await kube.listNamespaces(environmentSelector(learnerId, levelId)))[0];
    if (!found) {
      this.ready.delete(this.key(learnerId, levelId));
      return { levelId, phase: "absent", namespace: null, passed: false };
    }
    const namespace = found.name;
    const passed = found.labels[LABELS.passed] === "true";
    if (found.deleting) {
      return { levelId, phase: "absent", namespace: null, passed: false, message: "Your previous environment is still being removed; Start waits for it." };
    }
    const toolboxPod = toolboxPodOf(level.platformObjects(namespace));
    const toolbox = await kube.getPod(namespace, toolboxPod);
    if (toolbox?.phase !== "Running" || toolbox.deleting) {
      return {
        levelId,
        phase: "failed",
        namespace,
        passed,
        message: `Your environment is incomplete: the ${toolboxPod} pod is ${toolbox ? toolbox.status : "missing"}. Reset the level to rebuild it.`,
      };
    }
    this.ready.set(this.key(learnerId, levelId), { namespace, level, toolboxPod });
    return { levelId, phase: "ready", namespace, passed };
  }

  /**
   * Creates the environment, or answers with the existing one. Concurrent calls for the same
   * learner and level share one run. Never throws for cluster trouble: that is a "failed" status.
   */
  async start(learnerId: string, levelId: string): Promise<EnvironmentStatus> {
    const level = await this.level(levelId);
    const key = this.key(learnerId, levelId);
    const running = this.inflight.get(key);
    if (running) return running.promise;
    const promise = (async (): Promise<EnvironmentStatus> => {
      const namespace = environmentNamespace(learnerId, level.manifest.number);
      // Another instance building it: this start waits, then finds what it built.
      const { lease } = await this.holdAttempt(learnerId, levelId, "provisioning");
      let admission: HeldLease | undefined;
      try {
        try {
          const current = await this.inspect(learnerId, level);
          // Start never rebuilds an environment that exists: that would undo the learner's work.
          if (current.phase === "ready" || current.phase === "failed") return current;
        } catch (err) {
          return this.failed(level, namespace, err);
        }
        // A full installation is the answer to this request (with the queue position), not a
        // broken environment: it throws.
        const admitted = await this.admit(learnerId, namespace);
        admission = admitted.lease;
        try {
          const pooled = await this.pool.claim(level, learnerId, admitted.listed).catch((err: unknown) => {
            // The pool is an optimisation: a start it cannot serve is built as always.
            log.error({ err: err instanceof Error ? err.message : String(err) }, "the warm pool could not hand out an environment");
            return undefined;
          });
          if (pooled) return this.handedOver(learnerId, level, pooled);
          return await this.provision(learnerId, level, namespace, [], () => void admission?.release());
        } catch (err) {
          return this.failed(level, namespace, err);
        } finally {
          this.building.delete(namespace);
        }
      } finally {
        await admission?.release();
        await lease.release();
      }
    })();
    return this.track(key, "provisioning", promise);
  }

  /**
   * Takes a slot under the installation's cap for a new environment, or throws
   * "installation-full" with the learner's place in the queue. Counts what the cluster holds
   * (namespaces being deleted no longer count) plus what is being built here. Answers the
   * listing it counted from (every namespace of KubeQuest's, the warm pool's among them), so a
   * start from the pool claims without listing again while it holds the admission lease.
   */
  private async admit(learnerId: string, namespace: string): Promise<{ lease: HeldLease; listed?: ListedNamespace[] }> {
    // One decision at a time on every instance, so two starts cannot both take the last slot;
    // the lease is held until the new namespace exists (provision releases it then).
    const lease = await this.leases.acquire(ADMISSION_LEASE, "admitting");
    try {
      let listed: ListedNamespace[];
      try {
        listed = await this.opts.kube().listNamespaces(MANAGED_SELECTOR);
      } catch (err) {
        // Without the cluster nothing can be built anyway; the start reports it as it always did.
        if (asActionableError(err)) return { lease };
        throw err;
      }
      const live = listed.filter((ns) => !ns.deleting && ns.labels[LABELS.session] !== undefined);
      const running = new Set([...live.map((ns) => ns.name), ...this.building]);
      const expiresAt = live.map((ns) => Number(ns.labels[LABELS.createdAt] ?? 0) * 1000 + this.ttlMs);
      const verdict = this.capacity.admit(learnerId, running.size, expiresAt);
      if (!verdict.ok) {
        const { message, action } = EnvironmentCapacity.refusal(verdict);
        throw failure("installation-full", message, action);
      }
      this.building.add(namespace);
      return { lease, listed };
    } catch (err) {
      await lease.release();
      throw err;
    }
  }

  /** Deletes the environment (waiting until it is gone) and builds it again from the level. */
  async reset(learnerId: string, levelId: string): Promise<EnvironmentStatus> {
    const level = await this.level(levelId);
    const key = this.key(learnerId, levelId);
    const running = this.inflight.get(key);
    if (running?.phase === "resetting") return running.promise;
    const promise = (async (): Promise<EnvironmentStatus> => {
      // A start in progress finishes first; the reset then replaces what it built.
      await running?.promise.catch(() => undefined);
      const { lease, waited } = await this.holdAttempt(learnerId, levelId, "resetting");
      // Another instance reset it meanwhile: that reset is this one's answer.
      if (waited?.info === "resetting") {
        await lease.release();
        return this.open(learnerId, levelId);
      }
      // Rebuilt under the name it had (a pooled environment keeps its own).
      const namespace = await this.namespaceOf(learnerId, levelId);
      this.ready.delete(key);
      try {
        return await this.provision(learnerId, level, namespace, [
          {
            step: "Removing your old environment",
            run: async () => {
              const kube = this.opts.kube();
              const existing = await kube.listNamespaces(environmentSelector(learnerId, levelId));
              await Promise.all(existing.map((ns) => kube.deleteNamespace(ns.name, { wait: true, timeoutMs: 120_000 })));
            },
          },
        ]);
      } catch (err) {
        return this.failed(level, namespace, err);
      } finally {
        await lease.release();
      }
    })();
    return this.track(key, "resetting", promise);
  }

  private track(key: string, phase: "provisioning" | "resetting", promise: Promise<EnvironmentStatus>): Promise<EnvironmentStatus> {
    this.inflight.set(key, { phase, promise });
    // Cleanup on success and on failure alike; a start refused by the cap rejects, and that
    // rejection belongs to the caller, not to an unhandled branch made here.
    const forget = (): void => {
      if (this.inflight.get(key)?.promise === promise) this.inflight.delete(key);
    };
    promise.then(forget, forget);
    return promise;
  }

  private failed(level: LoadedLevel, namespace: string, err: unknown): EnvironmentStatus {
    if (!asActionableError(err)) log.error({ err, namespace }, "setting up an environment failed");
    const status: EnvironmentStatus = { levelId: level.manifest.id, phase: "failed", namespace, passed: false, message: statusMessage(err) };
    this.opts.events?.status(namespace, status);
    return status;
  }

  /** A pooled environment, now the learner's: ready at once. */
  private handedOver(learnerId: string, level: LoadedLevel, namespace: string): EnvironmentStatus {
    const levelId = level.manifest.id;
    this.opts.events?.progress(namespace, { levelId, step: "Handing you a prepared environment", index: 1, total: 1, elapsedMs: 0, done: true });
    return this.becameReady(learnerId, level, namespace);
  }

  /** Remembers a ready environment of the learner and tells their tabs. */
  private becameReady(learnerId: string, level: LoadedLevel, namespace: string): EnvironmentStatus {
    const levelId = level.manifest.id;
    this.ready.set(this.key(learnerId, levelId), { namespace, level, toolboxPod: toolboxPodOf(level.platformObjects(namespace)) });
    const status: EnvironmentStatus = { levelId, phase: "ready", namespace, passed: false };
    this.opts.events?.status(namespace, status);
    return status;
  }

  /** Builds the learner's environment (after any `before` steps: the reset's deletion), with progress. */
  private async provision(
    learnerId: string,
    level: LoadedLevel,
    namespace: string,
    before: { step: string; run: () => Promise<void> }[],
    /** Once the namespace exists (the cluster counts it from then on). */
    afterNamespace?: () => void,
  ): Promise<EnvironmentStatus> {
    const levelId = level.manifest.id;
    const labels = { ...environmentLabels(learnerId, levelId, this.now()), ...this.scopeLabels };
    const started = this.now();
    await this.build(
      level,
      namespace,
      labels,
      before,
      (step, index, total, done) => this.opts.events?.progress(namespace, { levelId, step, index, total, elapsedMs: this.now() - started, done }),
      afterNamespace,
    );
    return this.becameReady(learnerId, level, namespace);
  }

  /**
   * The steps that build an environment of `level` in `namespace` (labelled `labels`), after any
   * `before` steps: the same for a learner's start, a reset and the warm pool.
   */
  private async build(
    level: LoadedLevel,
    namespace: string,
    labels: Record<string, string>,
    before: { step: string; run: () => Promise<void> }[],
    onStep?: (step: string, index: number, total: number, done: boolean) => void,
    afterNamespace?: () => void,
  ): Promise<void> {
    const kube = this.opts.kube();
    const platform = level.platformObjects(namespace);
    const toolboxPod = toolboxPodOf(platform);
    const waits = readinessWaits(level, toolboxPod);
    // Read every setup file before touching the cluster: a broken level fails before anything exists.
    const setup = level.manifest.setup.map((file) => level.readObjects(file));

    const steps: { step: string; run: () => Promise<void> }[] = [
      ...before,
      {
        step: "Creating your namespace",
        run: async () => {
          await kube.ensureNamespace(namespace, labels);
          afterNamespace?.();
        },
      },
      {
        // ServiceAccount, Role, quota and limits must exist before any pod: admission checks
        // the pod's ServiceAccount and applies the LimitRange's defaults at creation.
        // The admission policies are cluster-wide; they must be in place before the learner's
        // first object, and are cheap to re-assert (once per server). So is the node-rules
        // collector the "On the nodes" panel and the node-rules check read (it never fails a start).
        step: "Setting up permissions and limits",
        run: async () => {
          const [apiServer] = await Promise.all([apiServerEgressPolicy(kube), ensureAdmissionPolicies(kube), ensureNodeRulesCollector(kube)]);
          await Promise.all([...platform.filter((o) => o.kind !== "Pod"), apiServer].map((o) => kube.apply(namespace, [o], { force: true })));
        },
      },
      {
        // The toolbox pod and the level's files are independent; the files go in their order.
        step: "Creating your terminal and the level's (broken) workload",
        run: async () => {
          const toolbox = kube.apply(namespace, platform.filter((o) => o.kind === "Pod"), { force: true });
          for (const objects of setup) await kube.apply(namespace, objects, { force: true });
          await toolbox;
        },
      },
      {
        step: `Waiting for ${readinessPhrase(waits)} to start`,
        run: () => this.waitForPods(namespace, waits),
      },
    ];

    for (const [i, s] of steps.entries()) {
      onStep?.(s.step, i + 1, steps.length, false);
      await s.run();
    }
    onStep?.(steps[steps.length - 1]!.step, steps.length, steps.length, true);
  }

  private async waitForPods(namespace: string, waits: ReadinessWait[]): Promise<void> {
    const kube = this.opts.kube();
    const deadline = this.now() + this.readyTimeoutMs;
    for (;;) {
      const { pending, stuck } = readinessOf(waits, await kube.listPods(namespace));
      if (pending.length === 0) return;
      if (stuck) {
        throw failure(
          "pod-cannot-start",
          `${stuck.pod} cannot start: container ${stuck.container} is ${stuck.reason}.`,
          /Image/.test(stuck.reason)
            ? "The level's images are not loaded into the cluster: run npm run cluster:up (it loads them), then reset the level."
            : "Reset the level; if it keeps failing, the level's setup is broken.",
        );
      }
      if (this.now() > deadline) {
        const detail = pending.map(({ what, now }) => `${what} is ${now}`).join(", ");
        throw failure("timeout", `The level did not come up within ${Math.round(this.readyTimeoutMs / 1000)} s: ${detail}.`, "Reset the level to try again; if the cluster is busy, wait a minute first.");
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /**
   * The ready environment of this learner's attempt, for the editor, terminal and grader.
   * Throws an ActionableFailure telling the learner to start the level when there is none.
   */
  async requireReady(learnerId: string, levelId: string): Promise<ReadyEnvironment> {
    const key = this.key(learnerId, levelId);
    const known = this.ready.get(key);
    // Known ready, and nobody (here or on another instance) rebuilding or deleting it now.
    if (known && !this.inflight.has(key) && !(await this.leases.holderOf(environmentLease(learnerId, levelId)))) return known;
    if (this.inflight.has(key) || known) {
      throw failure("environment-not-ready", "Your level's environment is still being set up.", "Wait until it says Ready, then try again.");
    }
    const status = await this.open(learnerId, levelId);
    const ready = this.ready.get(key);
    if (status.phase === "ready" && ready) return ready;
    throw new ActionableFailure({
      code: "environment-not-ready",
      message: status.phase === "failed" ? (status.message ?? "Your level's environment is broken.") : "Your level's environment is not running.",
      action: status.phase === "failed" ? "Reset the level." : "Start the level first.",
    });
  }

  /**
   * Deletes this learner's environment of the level (waiting until the namespace is gone), so
   * an instructor's grading run leaves nothing behind. Reset rebuilds; this only deletes.
   * A start or reset in progress finishes first, so it cannot recreate what was just deleted.
   */
  async abandon(learnerId: string, levelId: string): Promise<EnvironmentStatus> {
    const level = await this.level(levelId);
    const key = this.key(learnerId, levelId);
    await this.inflight.get(key)?.promise.catch(() => undefined);
    const { lease } = await this.holdAttempt(learnerId, levelId, "deleting");
    try {
      this.ready.delete(key);
      const kube = this.opts.kube();
      const existing = await kube.listNamespaces(environmentSelector(learnerId, level.manifest.id));
      await Promise.all(existing.map((ns) => kube.deleteNamespace(ns.name, { wait: true, timeoutMs: 120_000 })));
      return { levelId, phase: "absent", namespace: null, passed: false };
    } finally {
      await lease.release();
    }
  }

  /** Remembers on the namespace that the learner passed the main grade. */
  async markPassed(learnerId: string, levelId: string): Promise<void> {
    const kube = this.opts.kube();
    const found = (await kube.listNamespaces(environmentSelector(learnerId, levelId)))[0];
    if (!found || found.deleting) return;
    const ours = Object.fromEntries(
      Object.entries(found.labels).filter(([k]) => k.startsWith("kubequest.dev/") || k.startsWith("pod-security.kubernetes.io/") || k === LABELS.managedBy),
    );
    await kube.ensureNamespace(found.name, { ...ours, [LABELS.passed]: "true" });
  }

  /**
   * Deletes environments older than the TTL (within this instance's scope). Returns their names.
   * Run by the leader only (coordination/leader-jobs.ts), every KUBEQUEST_REAP_INTERVAL_SECONDS.
   */
  async reapExpired(): Promise<string[]> {
    const kube = this.opts.kube();
    const all = await kube.listNamespaces(reapableSelector(this.scopeLabels));
    const expired = all.filter((ns) => !ns.deleting && isExpired(ns.labels[LABELS.createdAt], this.now(), this.ttlMs));
    await Promise.all(expired.map((ns) => kube.deleteNamespace(ns.name)));
    for (const [key, r] of this.ready) if (expired.some((ns) => ns.name === r.namespace)) this.ready.delete(key);
    return expired.map((ns) => ns.name);
  }
}
