/**
 * Pre-started environments, so that pressing Start hands a learner a level at once.
 *
 * Building an environment takes seconds (namespace, RBAC, the toolbox and the level's pods must
 * be scheduled and started), and a class pressing Start together queues those seconds up. The
 * pool keeps a few namespaces per level already built in the level's broken state, as Educates
 * does with its pre-started sessions. A start claims one by relabelling it as the learner's
 * (atomically, in the API server: exactly one learner gets each), and the pool builds a
 * replacement in the background. An empty pool falls back to the ordinary start, with progress.
 *
 * A pooled environment must be indistinguishable from a fresh one: it is built by the same steps,
 * its namespace is named like every other (`kq-<10 hex>-<level number>`), one built from an older
 * version of the level's files is never handed out, and one kept longer than `maxAgeMs` (whose
 * pods would show hours of logs and restarts) is replaced instead.
 *
 * Pool namespaces carry no session label, so the reaper and the installation's cap (which count
 * learners' environments) leave them alone; the pool is their only owner.
 *
 * A learner waiting comes first: before each build the pool asks how many learners wait on the
 * cluster right now, on any instance (starts and resets building an environment, and grading
 * runs: the chaos round waits for a pod to come back), through the leases they hold, and waits
 * while there are some, for at most `YIELD_MAX_MS` before each build. A refill beside a cold
 * start splits the node's CPU between the two: a cold start beside a claim's refill took 5.8 s
 * (median of 5), and 4.0 s with the refill waiting (2-core node, 2026-12-01).
 *
 * With several instances the refill runs on one: the leader (coordination/leader-jobs.ts) calls
 * `refill` periodically, and only the leader starts one after a claim (`mayRefill`), so two
 * instances never both build the missing namespaces. Any instance may claim.
 */
import { createHash, randomBytes } from "node:crypto";
import type { WarmPoolSizes } from "../config/server-config";
import type { KubeAdapter } from "../kubernetes/kube-adapter";
import type { LoadedLevel } from "../levels/level-catalog";
import { moduleLogger } from "../logging/logger";
import { LABELS, MANAGED_BY, environmentLabels, learnerHash } from "./environment-naming";

const log = moduleLogger("warm-pool");

export const POOL_LABELS = {
  /** The level a pooled namespace was built for; removed when a learner claims it. */
  pool: "kubequest.dev/pool",
  /** "true" once every build step finished: only those are handed out. */
  ready: "kubequest.dev/pool-ready",
  /** Hash of the level's setup and platform objects the namespace was built from. */
  build: "kubequest.dev/pool-build",
} as const;


/** A pooled environment older than this is replaced rather than handed out. */
export const DEFAULT_POOL_MAX_AGE_MS = 30 * 60_000;

/** How often the leader refills the pool (retiring what aged out). */
export const REFILL_EVERY_MS = 30_000;

/** The longest a refill waits, before each build, for learners' builds and grading runs to finish (a class arriving one by one, or grading all the time, must not starve the pool). */
export const YIELD_MAX_MS = 60_000;
/** How often a waiting refill asks again. */
const YIELD_POLL_MS = 500;

/** A namespace as the adapter lists it. */
export type ListedNamespace = Awaited<ReturnType<KubeAdapter["listNamespaces"]>>[number];

/** What the pool needs from the environments module: the build steps, for a namespace of its own. */
export type BuildEnvironment = (level: LoadedLevel, namespace: string, labels: Record<string, string>) => Promise<void>;

export interface WarmPoolOptions {
  kube: () => KubeAdapter;
  levels: () => Promise<{ list(): LoadedLevel[] }>;
  build: BuildEnvironment;
  /** Environments kept per level: one number for every level, or per level (KUBEQUEST_WARM_POOL). */
  size: number | WarmPoolSizes;
  maxAgeMs?: number;
  /** Labels every pooled namespace carries (a test run's scope), and that the pool requires of what it deletes. */
  scopeLabels?: Record<string, string>;
  now?: () => number;
  log?: (line: string) => void;
  /** Whether this instance refills (the leader); a claim elsewhere waits for the leader's next round. */
  mayRefill?: () => boolean;
  /** How many learners wait on the cluster now (their environments being built, their grading runs), on every instance; the pool builds only when none do. */
  learnersWaiting?: () => Promise<number>;
  /** Waits `ms` (tests shorten it). */
  sleep?: (ms: number) => Promise<void>;
  yieldMaxMs?: number;
}

/** Hash of what an environment of `level` is built from: a change to the level's files retires older pooled ones. */
export function levelBuildHash(level: LoadedLevel): string {
  const inputs = [level.manifest.setup.map((file) => level.readObjects(file)), level.platformObjects("kq-0000000000-0")];
  return createHash("sha256").update(JSON.stringify(inputs)).digest("hex").slice(0, 16);
}

/** A pooled namespace's name: the same shape as a learner's, `kq-<10 hex>-<level number>`. */
function poolNamespace(level: LoadedLevel): string {
  return `kq-${randomBytes(5).toString("hex")}-${level.manifest.number}`;
}

/** A level's pool under `sizes`: its id's entry, else its number's, else the size for every level. */
export function poolSizeOf(sizes: WarmPoolSizes, level: LoadedLevel): number {
  const entry = (name: string) => (Object.hasOwn(sizes.levels, name) ? sizes.levels[name] : undefined);
  return entry(level.manifest.id) ?? entry(String(level.manifest.number)) ?? sizes.each;
}

/**
 * What is wrong with `sizes` for these levels: a name no level has (a typo would otherwise pool
 * nothing, silently), or one level named twice, by its number and its id (which one counts?).
 */
export function poolSettingProblems(sizes: WarmPoolSizes, levels: readonly LoadedLevel[]): string[] {
  const named = (name: string) => Object.hasOwn(sizes.levels, name);
  const known = new Set(levels.flatMap((l) => [l.manifest.id, String(l.manifest.number)]));
  const unknown = Object.keys(sizes.levels).filter((name) => !known.has(name));
  const problems: string[] = [];
  if (unknown.length > 0) {
    const list = levels.map((l) => `${l.manifest.number} (${l.manifest.id})`).join(", ");
    problems.push(`KUBEQUEST_WARM_POOL names ${unknown.map((n) => `"${n}"`).join(", ")}, which no level has; the levels are ${list}`);
  }
  for (const l of levels) {
    if (named(l.manifest.id) && named(String(l.manifest.number))) {
      problems.push(`KUBEQUEST_WARM_POOL names level ${l.manifest.number} twice, as "${l.manifest.number}" and as "${l.manifest.id}": keep one`);
    }
  }
  return problems;
}

export class WarmPool {
  private readonly sizes: WarmPoolSizes;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly scope: Record<string, string>;
  private readonly building = new Map<string, number>();
  private refilling: Promise<void> | undefined;
  private readonly log: (line: string) => void;

  constructor(private readonly opts: WarmPoolOptions) {
    this.sizes = typeof opts.size === "number" ? { each: opts.size, levels: {} } : opts.size;
    this.maxAgeMs = opts.maxAgeMs ?? DEFAULT_POOL_MAX_AGE_MS;
    this.now = opts.now ?? Date.now;
    this.scope = opts.scopeLabels ?? {};
    this.log = opts.log ?? ((line) => log.info(line));
  }

  /** How many pooled environments of `level` are kept. */
  sizeOf(level: LoadedLevel): number {
    return poolSizeOf(this.sizes, level);
  }

  private selector(levelId: string, extra: Record<string, string> = {}): string {
    const labels = { [LABELS.managedBy]: MANAGED_BY, [POOL_LABELS.pool]: levelId, ...this.scope, ...extra };
    const terms = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
    // A server outside any test run leaves a test run's or a bench's pool alone (on a shared
    // cluster it would otherwise count, claim and retire them as its own).
    if (!(LABELS.testRun in this.scope)) terms.push(`!${LABELS.testRun}`);
    return terms.join(",");
  }

  /** Whether a listed namespace is in this pool's scope (the listing's selector, applied here). */
  private inScope(ns: ListedNamespace): boolean {
    return Object.entries(this.scope).every(([k, v]) => ns.labels[k] === v) && (LABELS.testRun in this.scope || !(LABELS.testRun in ns.labels));
  }

  /**
   * Takes a pooled namespace out of the pool and deletes it. A ready one first loses its
   * ready label in one guarded call (a claim removes that label too, so exactly one of the two
   * wins): one a learner claims at that moment stays theirs. One never ready cannot be claimed.
   * Should the deletion then fail, the namespace is a pool namespace that is not ready, which
   * the next refill retires as a build that died.
   */
  private async retire(ns: ListedNamespace): Promise<void> {
    const kube = this.opts.kube();
    if (ns.labels[POOL_LABELS.ready] === "true") {
      const taken = await kube.relabelNamespaceIf(ns.name, { key: POOL_LABELS.ready, value: "true" }, {}, [POOL_LABELS.ready]);
      if (!taken) return;
    }
    await kube.deleteNamespace(ns.name);
  }

  /**
   * The pooled environments of `level` a learner may be handed, youngest first (its pods have
   * the shortest history, closest to a fresh start), picked from a listing of KubeQuest's
   * namespaces: ready, in this pool's scope, built from the level's current files, not too old.
   */
  handOutable(level: LoadedLevel, listed: ListedNamespace[]): ListedNamespace[] {
    const wanted: Record<string, string> = {
      [LABELS.managedBy]: MANAGED_BY,
      [POOL_LABELS.pool]: level.manifest.id,
      [POOL_LABELS.ready]: "true",
      [POOL_LABELS.build]: levelBuildHash(level),
    };
    return listed
      .filter((ns) => !ns.deleting && this.inScope(ns) && Object.entries(wanted).every(([k, v]) => ns.labels[k] === v))
      .filter((ns) => this.now() - Number(ns.labels[LABELS.createdAt] ?? 0) * 1000 < this.maxAgeMs)
      .sort((a, b) => Number(b.labels[LABELS.createdAt] ?? 0) - Number(a.labels[LABELS.createdAt] ?? 0));
  }

  /**
   * Hands a ready pooled environment of `level` to the learner, or answers undefined (the pool
   * is empty or off). The namespace is relabelled exactly as a fresh one of theirs would be.
   * `listed`: KubeQuest's namespaces as the caller just listed them (the admission's count), so
   * the claim needs no listing of its own; without it the pool lists its own.
   */
  async claim(level: LoadedLevel, sessionId: string, listed?: ListedNamespace[]): Promise<string | undefined> {
    if (this.sizeOf(level) === 0) return undefined;
    const kube = this.opts.kube();
    const levelId = level.manifest.id;
    const candidates = this.handOutable(level, listed ?? (await kube.listNamespaces(this.selector(levelId, { [POOL_LABELS.ready]: "true" }))));
    const fresh = environmentLabels(sessionId, levelId, this.now());
    for (const ns of candidates) {
      const won = await kube.relabelNamespaceIf(
        ns.name,
        { key: POOL_LABELS.pool, value: levelId },
        { [LABELS.session]: learnerHash(sessionId), [LABELS.createdAt]: fresh[LABELS.createdAt]! },
        [POOL_LABELS.pool, POOL_LABELS.ready, POOL_LABELS.build],
      );
      if (won) {
        this.kick();
        return ns.name;
      }
    }
    this.kick();
    return undefined;
  }

  /** Starts a refill soon (after a claim), without waiting for it: on the leader only. */
  private kick(): void {
    if (this.opts.mayRefill && !this.opts.mayRefill()) return;
    void this.refill().catch((err: unknown) => this.log(`[warm-pool] refill failed: ${err instanceof Error ? err.message : String(err)}`));
  }

  /**
   * Brings every level's pool to its size: retires what is stale (older than the level's files
   * or than maxAgeMs, or a build that died half-way long ago) and what is beyond the level's
   * size, then builds what is missing, one at a time (a class's learners need the CPU more than
   * the pool does). One refill at a time.
   */
  refill(): Promise<void> {
    // Also with the pool off: a refill is what retires what an earlier setting pooled.
    if (this.refilling) return this.refilling;
    this.refilling = (async () => {
      try {
        for (const level of (await this.opts.levels()).list()) await this.refillLevel(level);
      } finally {
        this.refilling = undefined;
      }
    })();
    return this.refilling;
  }

  private async refillLevel(level: LoadedLevel): Promise<void> {
    const kube = this.opts.kube();
    const levelId = level.manifest.id;
    const build = levelBuildHash(level);
    const pooled = (await kube.listNamespaces(this.selector(levelId))).filter((ns) => !ns.deleting);
    const age = (ns: (typeof pooled)[number]) => this.now() - Number(ns.labels[LABELS.createdAt] ?? 0) * 1000;
    const stale = pooled.filter(
      (ns) =>
        !this.building.has(ns.name) &&
        (ns.labels[POOL_LABELS.build] !== build || age(ns) >= this.maxAgeMs || (ns.labels[POOL_LABELS.ready] !== "true" && age(ns) > 10 * 60_000)),
    );
    for (const ns of stale) await this.retire(ns);
    const size = this.sizeOf(level);
    const kept = pooled.filter((ns) => !stale.includes(ns));
    // More ready ones than the setting asks (it was lowered, or names other levels now): the
    // oldest go at once, for each idles on the node's CPU.
    const ready = kept.filter((ns) => ns.labels[POOL_LABELS.ready] === "true" && !this.building.has(ns.name));
    const excess = ready.sort((a, b) => age(b) - age(a)).slice(0, Math.max(0, ready.length - size));
    for (const ns of excess) await this.retire(ns);
    if (kept.length - excess.length >= size) return;
    for (;;) {
      await this.yieldToLearners();
      // The wait may have been long: whether this instance still refills (another may lead
      // now) and how many are missing (claims, another leader's builds) are asked again.
      if (this.opts.mayRefill && !this.opts.mayRefill()) return;
      const present = (await kube.listNamespaces(this.selector(levelId))).filter((ns) => !ns.deleting).length;
      if (present >= this.sizeOf(level)) return;
      const namespace = poolNamespace(level);
      this.building.set(namespace, this.now());
      const labels: Record<string, string> = {
        ...environmentLabels("pool", levelId, this.now()),
        ...this.scope,
        [POOL_LABELS.pool]: levelId,
        [POOL_LABELS.build]: build,
      };
      delete labels[LABELS.session];
      try {
        await this.opts.build(level, namespace, labels);
        // Handed out only now that every step finished; a claim never sees a half-built one.
        await kube.relabelNamespaceIf(namespace, { key: POOL_LABELS.pool, value: levelId }, { [POOL_LABELS.ready]: "true" }, []);
        // An operator starts a class once the pool is full: this says how far it is.
        this.log(`[warm-pool] ${namespace} ready for ${levelId} (${present + 1} of ${this.sizeOf(level)})`);
      } catch (err) {
        this.log(`[warm-pool] building ${namespace} for ${levelId} failed: ${err instanceof Error ? err.message : String(err)}`);
        await kube.deleteNamespace(namespace).catch(() => undefined);
        return;
      } finally {
        this.building.delete(namespace);
      }
    }
  }

  /**
   * Returns once no learner waits on the cluster (or after YIELD_MAX_MS of waiting).
   * A question that fails counts as none: the pool is an optimisation and must not stall on it.
   */
  private async yieldToLearners(): Promise<void> {
    const ask = this.opts.learnersWaiting;
    if (!ask) return;
    const sleep = this.opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const maxMs = this.opts.yieldMaxMs ?? YIELD_MAX_MS;
    // Counted in the waits slept, not by the clock: an injected clock that stands still must not make it wait forever.
    for (let waitedMs = 0; ; waitedMs += YIELD_POLL_MS) {
      const building = await ask().catch(() => 0);
      if (building === 0) return;
      if (waitedMs >= maxMs) {
        this.log(`[warm-pool] building anyway: learners have been waiting on the cluster for ${Math.round(maxMs / 1000)} s`);
        return;
      }
      if (waitedMs === 0) this.log(`[warm-pool] waiting: ${building} learner(s) waiting on the cluster (a start, a reset or a grading run) come first`);
      await sleep(YIELD_POLL_MS);
    }
  }

  /** Deletes every pooled namespace in this pool's scope (tests, and `npm run cluster:down` users who keep the cluster). */
  async drain(): Promise<void> {
    const kube = this.opts.kube();
    for (const level of (await this.opts.levels()).list()) {
      for (const ns of await kube.listNamespaces(this.selector(level.manifest.id))) await kube.deleteNamespace(ns.name);
    }
  }
}
