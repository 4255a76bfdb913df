/**
 * The HTTP server with everything KubeQuest hangs on it: session cookies on every response,
 * socket.io with its feature modules, and the background reapers. `main.ts` passes Next's
 * request handler; tests pass their own and get the very same wiring.
 *
 * Node only.
 */
import http from "node:http";
import { AccountStore } from "./database/account-store";
import { databaseConfigFromEnv, openDatabase, type DatabaseHandle } from "./database/database";
import { ProgressStore } from "./database/progress-store";
import { RecordingStore } from "./database/recording-store";
import { createAccountApi, type SignInLimits } from "./http/account-api";
import { LevelEnvironments } from "./environments/level-environment";
import { ensureAdmissionPolicies } from "./environments/learner-fences";
import { asActionableError } from "./errors/actionable-failure";
import { runGrade } from "./grader/run-grade";
import { GradeService } from "./grader/grade-service";
import { CohortStore } from "./database/cohort-store";
import { createCohortApi } from "./http/cohort-api";
import { createEditorSchemaApi } from "./http/editor-schema-api";
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
import { worldsOf } from "./progress/level-rules";
import { SESSION_MAX_AGE_SECONDS, ensureSession, sessionFromRequest, type SessionSigner } from "./session/anonymous-session";
import { clientAddress, perIpLimitsFromEnv, tooManySessions, type PerIpLimits } from "./http/per-ip-limits";
import { RateLimiter } from "./socket/rate-limit";
import { originPolicyFromEnv, type OriginPolicy } from "./socket/origin-check";
import { createSocketServer, type SocketServerDeps } from "./socket/socket-server";
import { TerminalSessions } from "./terminal/terminal-session";
import { recordingPolicyFromEnv, type RecordingPolicy } from "./terminal/terminal-recorder";

export interface KubeQuestServerOptions {
  port: number;
  host: string;
  signer: SessionSigner;
  /** Serves every HTTP request that is not socket.io's (Next.js in production and development). */
  handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;
  origins?: OriginPolicy;
  kube?: () => KubeAdapter;
  levels?: () => Promise<LevelCatalog>;
  rateLimit?: SocketServerDeps["rateLimit"];
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
  /** New sessions and level starts per client address; default from the environment (per-ip-limits.ts). */
  perIpLimits?: PerIpLimits;
}

/** Signed-in sessions last two weeks unless KUBEQUEST_ACCOUNT_SESSION_HOURS says otherwise. */
export function accountSessionTtlMs(env: Record<string, string | undefined> = process.env): number {
  const hours = Number(env.KUBEQUEST_ACCOUNT_SESSION_HOURS ?? 14 * 24);
  if (!Number.isFinite(hours) || hours <= 0) throw new Error(`KUBEQUEST_ACCOUNT_SESSION_HOURS must be a positive number of hours, got "${env.KUBEQUEST_ACCOUNT_SESSION_HOURS}"`);
  return hours * 3_600_000;
}

export interface KubeQuestServer {
  server: http.Server;
  url: string;
  /** The feature services behind the sockets (for diagnostics and tests). */
  services: {
    environments: LevelEnvironments;
    terminals: TerminalSessions;
    liveViews: NamespaceLiveViews;
    accounts: AccountStore;
    progress: ProgressStore;
    database: DatabaseHandle;
    /** Terminal recordings of learners in a cohort, for their instructors to replay. */
    recordings: RecordingStore;
    /** Instructor dashboard: cohorts, roster, audit log. */
    cohorts: CohortStore;
    /** Grading runs, the learner's and the instructor's. */
    grades: GradeService;
  };
  /** Closes terminals (tmux keeps the shells), watches, sockets, reapers and the HTTP server. */
  close(): Promise<void>;
}

export async function startKubeQuestServer(opts: KubeQuestServerOptions): Promise<KubeQuestServer> {
  const kube = opts.kube ?? getKubeAdapter;
  const levels: () => Promise<LevelCatalog> = opts.levels ?? getLevelCatalog;
  const ownDatabase = opts.database === undefined;
  const database = opts.database ?? (await openDatabase(databaseConfigFromEnv()));
  // "World done" achievements need the catalog's worlds; it is loaded before the first grade.
  let worlds: Map<number, string[]> = new Map();
  void levels()
    .then((catalog) => (worlds = worldsOf(catalog)))
    .catch(() => undefined);
  const progress = new ProgressStore(database.db, () => worlds);
  const accounts = new AccountStore(database.db, {
    anonymousTtlMs: SESSION_MAX_AGE_SECONDS * 1000,
    accountTtlMs: opts.accountSessionTtlMs ?? accountSessionTtlMs(),
  });
  const recordingPolicy: RecordingPolicy = { ...recordingPolicyFromEnv(), ...opts.recording };
  const recordings = new RecordingStore(database.db);
  const origins = opts.origins ?? originPolicyFromEnv(process.env, opts.port, opts.host);
  // Filled once the socket server exists (below); HTTP requests only arrive after listen().
  const rooms: { io?: ReturnType<typeof createSocketServer>["io"]; sockets?: ReturnType<typeof createSocketServer> } = {};
  const api = createAccountApi({
    signer: opts.signer,
    origins,
    accounts,
    progress,
    levels,
    ...(opts.signInLimits ? { signInLimits: opts.signInLimits } : {}),
    onLeaderboardChanged: () => rooms.io?.emit("leaderboard:changed", { at: new Date().toISOString() }),
    onSessionEnded: (sessionId) => rooms.sockets?.endSession(sessionId, "You signed out, so this terminal was closed."),
    onLearnerDeleted: (learnerId) => rooms.sockets?.endLearner(learnerId, "Your account was deleted, so this terminal was closed."),
  });
  const cohorts = new CohortStore(database.db);
  // The YAML editor's schema, from the cluster's own OpenAPI (before the account API's 404).
  const editorSchemaApi = createEditorSchemaApi({ levels, schemas: new EditorSchemas({ kube }) });
  // Made once the services it drives exist (below); requests only arrive after listen().
  const dashboard: { api?: ReturnType<typeof createCohortApi> } = {};
  const perIp = opts.perIpLimits ?? perIpLimitsFromEnv();
  const newSessionsPerIp = new RateLimiter(perIp.newSessions, perIp.windowMs);
  const server = http.createServer((req, res) => {
    // A request without a valid session is about to mint one: counted per address.
    if (!sessionFromRequest(req, opts.signer)) {
      const taken = newSessionsPerIp.take(clientAddress(req));
      if (!taken.ok) {
        const refusal = tooManySessions(taken.retryAfterMs);
        const api = (req.url ?? "").startsWith("/api/");
        res.writeHead(429, {
          "content-type": api ? "application/json" : "text/plain; charset=utf-8",
          "retry-after": String(Math.ceil(taken.retryAfterMs / 1000)),
        });
        res.end(api ? JSON.stringify({ error: refusal }) : `${refusal.message}\n${refusal.action}\n`);
        return;
      }
    }
    ensureSession(req, res, opts.signer);
    // The dashboard's routes first: the account API answers 404 for every /api/ path it lacks.
    (dashboard.api ? dashboard.api(req, res) : Promise.resolve(false))
      .then((handled) => (handled ? true : editorSchemaApi(req, res)))
      .then((handled) => (handled ? true : api(req, res)))
      .then((handled) => (handled ? undefined : opts.handle(req, res)))
      .catch((err: unknown) => {
      console.error("[http]", req.url, err);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });

  // The socket server is created after the services that send events through it.
  // A namespace's events reach the learner's tabs, and the instructors watching that learner
  // only while their access holds (checked on every send).
  const watchers = new LearnerWatchBroadcast({ io: () => rooms.io, accounts, cohorts });
  const toNamespace = watchers.emit;
  const environments = new LevelEnvironments({
    kube,
    levels,
    ...(opts.maxEnvironments !== undefined ? { maxEnvironments: opts.maxEnvironments } : {}),
    events: {
      progress: (ns, p) => toNamespace(ns, "environment:progress", p),
      status: (ns, s) => toNamespace(ns, "environment:status", s),
    },
  });
  const terminals = new TerminalSessions({ kube });
  const liveViews = new NamespaceLiveViews({
    kube,
    emit: (ns, snapshot) => toNamespace(ns, "liveview:snapshot", snapshot),
  });
  /** Sockets in a room now (an empty room is deleted by socket.io). */
  const occupied = (room: string): boolean => (rooms.io?.sockets.adapter.rooms.get(room)?.size ?? 0) > 0;
  // Dashboard events go only to watchers whose access still holds (checked on every send).
  const broadcast = new CohortBroadcast({ io: () => rooms.io, accounts, cohorts });
  const roster = new RosterNotifier({
    cohorts,
    emit: (cohortId, changed) => void broadcast.send(cohortId, "cohort:roster-row", changed),
    watched: (cohortId) => broadcast.watched(cohortId),
  });
  const audit = new AuditLog({ cohorts, emit: (cohortId, appended) => void broadcast.send(cohortId, "cohort:audit", appended) });
  const grades = new GradeService({ kube, environments, progress, runGrade, io: () => rooms.io, toNamespace, onGraded: (learnerId) => roster.learnerActed(learnerId) });
  const actions = new InstructorActions({
    cohorts,
    environments,
    terminals,
    liveViews,
    grades,
    audit,
    roster,
    levels,
    toNamespace,
    emitGradeProgress: (cohortId, p) => void broadcast.send(cohortId, "cohort:grade-progress", p),
    looked: (ns) => occupied(ns) || watchers.watched(ns),
  });
  dashboard.api = createCohortApi({
    signer: opts.signer,
    origins,
    accounts,
    cohorts,
    levels,
    actions,
    audit,
    roster,
    recordings,
    // A learner in no cohort any more is not recorded from now on, even in a terminal still open.
    onLeft: async (learnerId) => {
      if (!(await recordings.isRecorded(learnerId))) terminals.stopRecordingOf(learnerId);
    },
  });
  const sockets = createSocketServer(server, {
    signer: opts.signer,
    origins,
    kube,
    accounts,
    progress,
    levels,
    environments,
    terminals,
    liveViews,
    grades,
    cohorts,
    toNamespace,
    onLearnerActivity: (learnerId) => roster.learnerActed(learnerId),
    recordings: { store: recordings, policy: recordingPolicy },
    ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}),
    ...(opts.terminalInputLimits ? { terminalInputLimits: opts.terminalInputLimits } : {}),
    levelStartsPerIp: { capacity: perIp.levelStarts, perMs: perIp.windowMs },
  });
  rooms.io = sockets.io;
  rooms.sockets = sockets;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  environments.startReaper();
  environments.pool.start();
  // KubeQuest's admission policies exist from the start, not only once a level was started.
  void Promise.resolve()
    .then(() => ensureAdmissionPolicies(kube()))
    .catch((err: unknown) => {
      // A stopped cluster is normal in development; the first level start applies them again.
      const e = asActionableError(err);
      if (e?.code !== "cluster-unreachable") console.error("[environments] admission policies:", e ? e.message : err);
    });
  terminals.startIdleReaper();
  // Expired sessions (and anonymous learners left without one) go hourly, and once at start.
  const purge = () => void accounts.purgeExpired().catch((err: unknown) => console.error("[sessions] purge:", err));
  purge();
  const purger = setInterval(purge, 3_600_000);
  purger.unref();
  // Terminal recordings older than the retention the learner was told about go the same way.
  const purgeRecordings = () =>
    void recordings
      .purgeOlderThan(new Date(Date.now() - recordingPolicy.retentionDays * 86_400_000))
      .catch((err: unknown) => console.error("[recordings] purge:", err));
  purgeRecordings();
  const recordingPurger = setInterval(purgeRecordings, 3_600_000);
  recordingPurger.unref();

  const address = server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  const shownHost = opts.host === "0.0.0.0" || opts.host === "::" ? "localhost" : opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return {
    server,
    url: `http://${shownHost}:${port}`,
    services: { environments, terminals, liveViews, accounts, progress, database, recordings, cohorts, grades },
    async close() {
      clearInterval(purger);
      clearInterval(recordingPurger);
      environments.stop();
      await sockets.close();
      // Closed terminals' recordings write their last frames before the database closes.
      await terminals.recordingsWritten();
      // Closed terminals' tmux clients are ended in their pods, not left behind by a restart.
      await terminals.clientsEnded();
      if (ownDatabase) await database.close();
    },
  };
}
