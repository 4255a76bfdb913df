/**
 * The HTTP server with everything KubeQuest hangs on it: session cookies on every response,
 * `/healthz`, socket.io with its feature modules, and the background jobs. `main.ts` passes
 * Next's request handler; tests pass their own and get the very same wiring.
 *
 * One instance or many: with SQLite (the default) this process coordinates with itself; with
 * PostgreSQL (DATABASE_URL) it joins the other instances against that database: locks and
 * counters are leases and rows there (coordination/), room emits and instance messages travel
 * through socket.io's PostgreSQL adapter (realtime/), and only the leader runs the background
 * jobs. The order of the wiring is the order of dependence: the socket.io server first (not yet
 * serving), then the features around it, then the socket layer that serves them.
 *
 * Node only.
 */
import http from "node:http";
import { sql } from "kysely";
import { ServerConfigError, readServerConfig, type PerIpLimits, type RecordingPolicy, type ServerConfig } from "./config/server-config";
import type { Coordination } from "./coordination/coordination";
import { InstanceStartError, joinInstances } from "./coordination/instance-registry";
import { LeaderJobs } from "./coordination/leader-jobs";
import { memoryCoordination } from "./coordination/memory-coordination";
import { postgresCoordination } from "./coordination/postgres-coordination";
import { AccountStore } from "./database/account-store";
import { CohortStore } from "./database/cohort-store";
import { openDatabase, type DatabaseHandle } from "./database/database";
import { ProgressStore } from "./database/progress-store";
import { RecordingStore } from "./database/recording-store";
import { testRunLabels } from "./environments/environment-naming";
import { ensureAdmissionPolicies } from "./environments/learner-fences";
import { ensureNodeRulesCollector } from "./node-rules/node-rules-collector";
import { NodeRulesFeed } from "./node-rules/node-rules-feed";
import { LevelEnvironments } from "./environments/level-environment";
import { REFILL_EVERY_MS, poolSettingProblems } from "./environments/warm-pool";
import { asActionableError } from "./errors/actionable-failure";
import { GradeQueue } from "./grader/grade-queue";
import { GRADE_LEASE_INFO, GRADE_LEASE_PREFIX, GradeService } from "./grader/grade-service";
import { LiveCheckFeed } from "./grader/live-checks";
import { runGrade } from "./grader/run-grade";
import { createAccountApi, type SignInLimits } from "./http/account-api";
import { createCohortApi } from "./http/cohort-api";
import { createEditorSchemaApi } from "./http/editor-schema-api";
import { serveHealth } from "./http/health-check";
import { clientAddress, tooManySessions } from "./http/per-ip-limits";
import { AuditLog } from "./instructor/audit-log";
import { CohortBroadcast } from "./instructor/cohort-broadcast";
import { InstructorActions } from "./instructor/instructor-actions";
import { LearnerWatchBroadcast } from "./instructor/learner-watch-broadcast";
import { RosterNotifier } from "./instructor/roster-notifier";
import { EditorSchemas } from "./kubernetes/editor-schemas";
import type { KubeAdapter } from "./kubernetes/kube-adapter";
import { getKubeAdapter } from "./kubernetes/kube-client";
import { getLevelCatalog, type LevelCatalog } from "./levels/level-catalog";
import { NamespaceLiveViews } from "./live-view/namespace-live-view";
import { moduleLogger } from "./logging/logger";
import { worldsOf } from "./progress/level-rules";
import { postgresSocketAdapter } from "./realtime/postgres-socket-adapter";
import { Realtime } from "./realtime/realtime";
import { SESSION_MAX_AGE_SECONDS, ensureSession, sessionFromRequest, type SessionSigner } from "./session/anonymous-session";
import { originPolicyOf, type OriginPolicy } from "./session/origin-check";
import { createSocketIo, serveSockets, type SocketServerDeps } from "./socket/socket-server";
import { TerminalSessions } from "./terminal/terminal-session";

const log = moduleLogger("server");
const HOURLY = 3_600_000;

export interface KubeQuestServerOptions {
  /** The configuration (config/server-config.ts); read from the environment when not given. */
  config?: ServerConfig;
  port: number;
  host: string;
  signer: SessionSigner;
  /** Serves every HTTP request that is not socket.io's (Next.js in production and development). */
  handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;
  origins?: OriginPolicy;
  kube?: () => KubeAdapter;
  levels?: () => Promise<LevelCatalog>;
  /** Expensive socket requests per session: a burst of `capacity` per `perMs` (default 10 per 10 s). */
  rateLimit?: { capacity: number; perMs: number };
  /** Terminal input and resize limits per socket (default: DEFAULT_TERMINAL_INPUT_LIMITS). */
  terminalInputLimits?: SocketServerDeps["terminalInputLimits"];
  /** The database; by default the one DATABASE_URL / KUBEQUEST_DATA_DIR name (migrated at start). */
  database?: DatabaseHandle;
  /** Sign-in rate limits (tests shorten them). */
  signInLimits?: SignInLimits;
  /** How long a signed-in session lasts; default KUBEQUEST_ACCOUNT_SESSION_HOURS or 14 days. */
  accountSessionTtlMs?: number;
  /** Terminal recording size cap and retention; default KUBEQUEST_RECORDING_MAX_BYTES / _RETENTION_DAYS. */
  recording?: Partial<RecordingPolicy>;
  /** Most environments at once; default KUBEQUEST_MAX_ENVIRONMENTS or 12. */
  maxEnvironments?: number;
  /** New sessions and level starts per client address; default from the configuration. */
  perIpLimits?: PerIpLimits;
}

export interface KubeQuestServer {
  server: http.Server;
  url: string;
  instanceId: string;
  /** The feature services behind the sockets (for diagnostics and tests). */
  services: {
    environments: LevelEnvironments;
    terminals: TerminalSessions;
    liveViews: NamespaceLiveViews;
    /** The live checks' last verdicts per watched namespace (shown only, never a grade). */
    liveChecks: LiveCheckFeed;
    /** "On the nodes": the node rules last sent per watched namespace. */
    nodeRules: NodeRulesFeed;
    accounts: AccountStore;
    progress: ProgressStore;
    database: DatabaseHandle;
    /** Terminal recordings of learners in a cohort, for their instructors to replay. */
    recordings: RecordingStore;
    /** Instructor dashboard: cohorts, roster, audit log. */
    cohorts: CohortStore;
    /** Grading runs, the learner's and the instructor's. */
    grades: GradeService;
    /** Locks, counters and the leader election (this process's, or shared through PostgreSQL). */
    coordination: Coordination;
    /** The background jobs, run by the leader only. */
    leader: LeaderJobs;
  };
  /**
   * Resolves once every dashboard and watcher event due so far has been handed to its sockets
   * or refused: roster pushes in flight, then the cohort and watcher send queues (each checks
   * access before it sends). Tests wait for it, then for a round trip on the socket in question,
   * to know that an event which did not arrive was never sent, instead of sleeping.
   */
  eventsSent(): Promise<void>;
  /** Closes terminals (tmux keeps the shells), watches, sockets, background jobs and the HTTP server. */
  close(): Promise<void>;
}

export async function startKubeQuestServer(opts: KubeQuestServerOptions): Promise<KubeQuestServer> {
  const config = opts.config ?? readServerConfig();
  const instanceId = config.instanceId;
  const kube = opts.kube ?? (() => getKubeAdapter(config.cluster));
  const levels: () => Promise<LevelCatalog> = opts.levels ?? getLevelCatalog;
  // A pool setting that names a level no level has would pool nothing, silently: refused here.
  // A catalog that does not load is not refused (the server serves what it can and says why
  // elsewhere, and the catalog is read again on each use): the check is then skipped.
  if (Object.keys(config.environments.warmPool.levels).length > 0) {
    const catalog = await levels().catch((err: unknown) => {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, "the level catalog did not load: KUBEQUEST_WARM_POOL's level names are not checked");
      return undefined;
    });
    const problems = catalog ? poolSettingProblems(config.environments.warmPool, catalog.list()) : [];
    if (problems.length > 0) throw new ServerConfigError(problems);
  }
  const ownDatabase = opts.database === undefined;
  const database = opts.database ?? (await openDatabase(config.storage));
  const leaseMs = config.leaseMs;

  // Instances against one PostgreSQL share their coordination; the first check is that they
  // all sign sessions with one secret (a clear start-up error otherwise).
  const distributed = database.engine === "postgres";
  const coordination = distributed ? postgresCoordination(database.db, { instanceId, leaseMs }) : memoryCoordination({ instanceId, leaseMs });
  const instances = distributed
    ? await joinInstances(database.db, { id: instanceId, fingerprint: opts.signer.fingerprint(), configured: config.sessionSecret !== undefined }, leaseMs).catch(async (err: unknown) => {
        if (ownDatabase) await database.close();
        throw err instanceof InstanceStartError ? err : new Error(`Joining the other KubeQuest instances failed: ${(err as Error).message}`);
      })
    : undefined;
  const databaseUrl = config.storage.databaseUrl;
  const socketAdapter = distributed && databaseUrl ? await postgresSocketAdapter(databaseUrl) : undefined;

  // "World done" achievements need the catalog's worlds; it is loaded before the first grade.
  let worlds: Map<number, string[]> = new Map();
  void levels()
    .then((catalog) => (worlds = worldsOf(catalog)))
    .catch(() => undefined);
  const progress = new ProgressStore(database.db, () => worlds, undefined, config.testCrashPoint);
  const accounts = new AccountStore(database.db, {
    anonymousTtlMs: SESSION_MAX_AGE_SECONDS * 1000,
    accountTtlMs: opts.accountSessionTtlMs ?? config.accountSessionTtlMs,
  });
  const recordingPolicy: RecordingPolicy = { ...config.recording, ...opts.recording };
  const recordings = new RecordingStore(database.db);
  const cohorts = new CohortStore(database.db);
  const origins = opts.origins ?? originPolicyOf(config.allowedOrigins, opts.port, opts.host);

  // The socket.io server exists before the features that send through it (not serving yet).
  const io = createSocketIo({ signer: opts.signer, origins, adapter: socketAdapter?.adapter });
  const realtime = new Realtime(io, { instanceId, distributed });
  const learnerActed = (learnerId: string): void => realtime.publish("learner-acted", { learnerId });
  // The background jobs run on the leader only (registered below, once the server listens).
  const leader = new LeaderJobs({ leases: coordination.leases, instanceId });

  const environments = new LevelEnvironments({
    kube,
    levels,
    maxEnvironments: opts.maxEnvironments ?? config.environments.max,
    ttlMs: config.environments.ttlMs,
    scopeLabels: testRunLabels(config.environments.testRun),
    leases: coordination.leases,
    warmPoolSize: config.environments.warmPool,
    mayRefillPool: () => leader.status().leader,
    // A learner's grading run (the chaos round waits for their pod to come back) goes before the pool's builds.
    poolAlsoWaitsFor: () => coordination.leases.countHeld(GRADE_LEASE_PREFIX, [GRADE_LEASE_INFO]),
    events: {
      progress: (ns, p) => realtime.toNamespace(ns, "environment:progress", p),
      status: (ns, s) => realtime.toNamespace(ns, "environment:status", s),
    },
  });
  const terminals = new TerminalSessions({ kube });
  // Each instance runs the live views its own sockets look at, and sends them its pictures;
  // the live checks are evaluated from the same reads (shown only, never a grade).
  const liveChecks = new LiveCheckFeed({ emit: (ns, checks) => realtime.toNamespaceHere(ns, "checks:live", checks) });
  // "On the nodes": kube-proxy's rules for the namespace's Services, while its live view is open.
  const nodeRules = new NodeRulesFeed({ kube, emit: (ns, snapshot) => realtime.toNamespaceHere(ns, "noderules:snapshot", snapshot) });
  const liveViews = new NamespaceLiveViews({
    kube,
    emit: (ns, snapshot) => realtime.toNamespaceHere(ns, "liveview:snapshot", snapshot),
    listeners: [liveChecks, nodeRules],
  });
  // Namespace and cohort events reach watchers whose access still holds (checked on every send).
  const watchers = new LearnerWatchBroadcast({ realtime, accounts, cohorts });
  const broadcast = new CohortBroadcast({ realtime, accounts, cohorts });
  const roster = new RosterNotifier({
    cohorts,
    emit: (cohortId, changed) => realtime.publishHere("cohort-event", { cohortId, event: "cohort:roster-row", payload: changed }),
    watched: (cohortId) => broadcast.watchedHere(cohortId),
  });
  realtime.on("learner-acted", ({ learnerId }) => roster.learnerActed(learnerId));
  const audit = new AuditLog({ cohorts, emit: (cohortId, appended) => realtime.toCohort(cohortId, "cohort:audit", appended) });
  let gradingRuns = 0;
  const grades = new GradeService({
    kube,
    environments,
    progress,
    runGrade,
    events: realtime,
    leases: coordination.leases,
    queue: new GradeQueue(config.gradeConcurrency),
    onGraded: learnerActed,
    onRunStarted: (namespace) => {
      gradingRuns += 1;
      log.info({ namespace }, "grading run started");
    },
  });
  const actions = new InstructorActions({ cohorts, environments, grades, audit, learnerActed, levels, realtime, leases: coordination.leases });

  const api = createAccountApi({
    signer: opts.signer,
    origins,
    accounts,
    progress,
    cohorts,
    levels,
    ...(opts.signInLimits ? { signInLimits: opts.signInLimits } : {}),
    onLeaderboardChanged: () => realtime.toEveryone("leaderboard:changed", { at: new Date().toISOString() }),
    onSessionEnded: (sessionId) => realtime.publish("session-ended", { sessionId, reason: "You signed out, so this terminal was closed." }),
    onLearnerDeleted: (learnerId) => realtime.publish("learner-deleted", { learnerId, reason: "Your account was deleted, so this terminal was closed." }),
  });
  // The YAML editor's schemas, from the cluster's own OpenAPI.
  const editorSchemaApi = createEditorSchemaApi({ levels, schemas: new EditorSchemas({ kube }) });
  const dashboardApi = createCohortApi({
    signer: opts.signer,
    origins,
    accounts,
    cohorts,
    levels,
    actions,
    audit,
    roster: { learnerActed },
    recordings,
    // A learner in no cohort any more is not recorded from now on, even in a terminal still open.
    onLeft: async (learnerId) => {
      if (!(await recordings.isRecorded(learnerId))) realtime.publish("recording-stopped", { learnerId });
    },
  });

  const perIp = opts.perIpLimits ?? config.perIp;
  const newSessionsPerIp = coordination.rateLimiter("new-sessions-per-ip", perIp.newSessions, perIp.windowMs);
  const health = {
    instanceId,
    database: () => sql`select 1`.execute(database.db),
    cluster: () => kube().ping(),
    leader: () => leader.status(),
    gradingRuns: () => gradingRuns,
  };
  const server = http.createServer((req, res) => {
    if (serveHealth(req, res, health)) return;
    // A request without a valid session is about to mint one: counted per address.
    const admitted = sessionFromRequest(req, opts.signer) ? Promise.resolve({ ok: true as const }) : newSessionsPerIp.take(clientAddress(req));
    admitted
      .then(async (taken) => {
        if (!taken.ok) {
          const refusal = tooManySessions(taken.retryAfterMs);
          const isApi = (req.url ?? "").startsWith("/api/");
          res.writeHead(429, {
            "content-type": isApi ? "application/json" : "text/plain; charset=utf-8",
            "retry-after": String(Math.ceil(taken.retryAfterMs / 1000)),
          });
          res.end(isApi ? JSON.stringify({ error: refusal }) : `${refusal.message}\n${refusal.action}\n`);
          return;
        }
        ensureSession(req, res, opts.signer);
        // The dashboard's routes first: the account API answers 404 for every /api/ path it lacks.
        if (await dashboardApi(req, res)) return;
        if (await editorSchemaApi(req, res)) return;
        if (await api(req, res)) return;
        await opts.handle(req, res);
      })
      .catch((err: unknown) => {
        log.error({ err, url: req.url }, "an HTTP request failed");
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      });
  });

  const perSession = opts.rateLimit ?? { capacity: 10, perMs: 10_000 };
  const sockets = serveSockets(server, {
    signer: opts.signer,
    origins,
    realtime,
    kube,
    accounts,
    progress,
    levels,
    environments,
    terminals,
    liveViews,
    grades,
    cohorts,
    onLearnerActivity: learnerActed,
    recordings: { store: recordings, policy: recordingPolicy },
    requestsPerSession: coordination.rateLimiter("requests-per-session", perSession.capacity, perSession.perMs),
    levelStartsPerIp: coordination.rateLimiter("level-starts-per-ip", perIp.levelStarts, perIp.windowMs),
    ...(opts.terminalInputLimits ? { terminalInputLimits: opts.terminalInputLimits } : {}),
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  // The jobs only one instance runs: whichever holds the leader lease.
  leader.every("environment-reaper", config.environments.reapEveryMs, async () => {
    try {
      const names = await environments.reapExpired();
      if (names.length > 0) log.info({ namespaces: names }, `deleted ${names.length} expired environment(s)`);
    } catch (err) {
      // A stopped cluster is normal in development; the next round tries again.
      const e = asActionableError(err);
      if (e?.code !== "cluster-unreachable") log.error({ err: e?.message ?? err }, "the environment reaper failed");
    }
  });
  // Expired sessions (and anonymous learners left without one) go hourly, and once at start.
  leader.every("session-purge", HOURLY, () => accounts.purgeExpired());
  // Terminal recordings older than the retention the learner was told about go the same way.
  leader.every("recording-purge", HOURLY, () => recordings.purgeOlderThan(new Date(Date.now() - recordingPolicy.retentionDays * 86_400_000)));
  leader.every("coordination-sweep", HOURLY, () => coordination.sweep());
  // The warm pool's refill: one instance builds the missing environments, and retires what is
  // stale or beyond the setting (so with the pool turned off, what an earlier setting pooled goes).
  leader.every("warm-pool-refill", REFILL_EVERY_MS, () => environments.pool.refill());
  leader.start();

  // KubeQuest's admission policies and its node-rules collector exist from the start, not only
  // once a level was started (every instance asserts them: cheap and idempotent; the collector's
  // install never throws, it logs why it failed).
  void Promise.resolve()
    .then(() => ensureNodeRulesCollector(kube()))
    .catch(() => undefined);
  void Promise.resolve()
    .then(() => ensureAdmissionPolicies(kube()))
    .catch((err: unknown) => {
      // A stopped cluster is normal in development; the first level start applies them again.
      const e = asActionableError(err);
      if (e?.code !== "cluster-unreachable") log.error({ err: e ? e.message : err }, "applying the admission policies failed");
    });
  terminals.startIdleReaper();

  const address = server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  const shownHost = opts.host === "0.0.0.0" || opts.host === "::" ? "localhost" : opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return {
    server,
    url: `http://${shownHost}:${port}`,
    instanceId,
    services: { environments, terminals, liveViews, liveChecks, nodeRules, accounts, progress, database, recordings, cohorts, grades, coordination, leader },
    async eventsSent() {
      // A roster push queues a cohort send; loop until a whole pass finds nothing in flight.
      for (;;) {
        await roster.idle();
        await Promise.all([broadcast.sent(), watchers.sent()]);
        if (!roster.busy) return;
      }
    },
    async close() {
      // The lead is handed over at once, not after the lease runs out.
      await leader.stop();
      await sockets.close();
      nodeRules.stopAll();
      // Closed terminals' recordings write their last frames before the database closes.
      await terminals.recordingsWritten();
      // Closed terminals' tmux clients are ended in their pods, not left behind by a restart.
      await terminals.clientsEnded();
      await instances?.leave();
      await socketAdapter?.close().catch(() => undefined);
      await coordination.close();
      if (ownDatabase) await database.close();
    },
  };
}
