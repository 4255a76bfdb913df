/**
 * KubeQuest's configuration, read from the environment once, in one place, and validated with
 * zod: every server module gets its settings from here, so two readers cannot disagree (the
 * server once looked for the kubeconfig without KUBEQUEST_HOME while the cluster kit honoured
 * it). A bad value stops the start with every problem named at once, each with what to set.
 *
 * Sections can be read alone (`clusterConfigFrom`, `storageConfigFrom`) by scripts that need
 * one of them, so a script is never refused for a setting it does not use.
 *
 * Node only.
 */
import os from "node:os";
import path from "node:path";
import { z } from "zod";

export type Env = Record<string, string | undefined>;

/** Signing keys shorter than this are guessable; generated secrets are 32 random bytes (64 hex). */
export const MIN_SESSION_SECRET_LENGTH = 32;

/** A Kubernetes label value: at most 63 characters, alphanumeric at both ends. */
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)$/;

/** Whether `value` can be a Kubernetes label value (test run ids and instance ids become labels and lease holders). */
export function isKubernetesLabelValue(value: string): boolean {
  return LABEL_VALUE.test(value);
}

export interface ClusterConfig {
  /** KUBECONFIG as given (may list several files, colon-separated, like kubectl). */
  kubeconfigEnv: string | undefined;
  /** KUBEQUEST_HOME, else ~/.kubequest: where `npm run cluster:up` writes the kubeconfig. */
  home: string;
  /** `<home>/kubeconfig`, used when KUBECONFIG is not set. */
  defaultKubeconfig: string;
  /** Running in a pod (KUBERNETES_SERVICE_HOST): the in-cluster service account is the last resort. */
  inCluster: boolean;
}

export interface StorageConfig {
  /** A `postgres://` URL: PostgreSQL, shared by every instance. Unset: SQLite in `dataDir`. */
  databaseUrl: string | undefined;
  /** KUBEQUEST_DATA_DIR, else ./data (absolute). */
  dataDir: string;
}

export interface PerIpLimits {
  /** New anonymous sessions per address per window. */
  newSessions: number;
  /** `level:start` requests per address per window. */
  levelStarts: number;
  windowMs: number;
}

export interface RecordingPolicy {
  /** Output bytes (UTF-8) kept per recording. */
  maxBytes: number;
  /** Days a recording is kept after its last frame. */
  retentionDays: number;
}

export interface ServerConfig {
  /** Names this process in logs, leases and /healthz: KUBEQUEST_INSTANCE_ID, else host name and pid. */
  instanceId: string;
  port: number;
  host: string;
  storage: StorageConfig;
  cluster: ClusterConfig;
  /** KUBEQUEST_SESSION_SECRET: required (and the same everywhere) when more than one instance runs. */
  sessionSecret: string | undefined;
  /** How long a signed-in session lasts (KUBEQUEST_ACCOUNT_SESSION_HOURS, default 14 days). */
  accountSessionTtlMs: number;
  /** KUBEQUEST_ALLOWED_ORIGINS, normalized; empty: the server's own origins. */
  allowedOrigins: string[];
  levelsDir: string;
  environments: {
    /** Environments older than this are reaped (KUBEQUEST_ENV_TTL_HOURS, default 24). */
    ttlMs: number;
    /** Most environments at once on the cluster (KUBEQUEST_MAX_ENVIRONMENTS, default 12). */
    max: number;
    /** KUBEQUEST_TEST_RUN: a test run's label, put on (and required by the reaper of) its environments. */
    testRun: string | undefined;
    /** How often the leader looks for expired environments (KUBEQUEST_REAP_INTERVAL_SECONDS, default 600). */
    reapEveryMs: number;
    /** Pre-started environments kept per level (KUBEQUEST_WARM_POOL; none on a test server unless told). */
    warmPool: WarmPoolSizes;
  };
  perIp: PerIpLimits;
  recording: RecordingPolicy;
  /**
   * How long a lock or the leadership outlives an instance that stopped renewing it
   * (KUBEQUEST_LEASE_SECONDS, default 15): the longest a crashed instance's grade lock blocks.
   */
  leaseMs: number;
  /**
   * Grading runs this instance makes at once; more wait in line (KUBEQUEST_GRADE_CONCURRENCY,
   * default 8; 0: no bound). Measured on a 2-core node with 8 learners grading at once: a line of
   * 4 ran each check faster and its waiting took that back (grades the same within the runs'
   * spread), with more chaos rounds that could not check (README, "A class at once").
   */
  gradeConcurrency: number;
  /** Test-only: KUBEQUEST_TEST_CRASH_POINT names a place where the server stops to be killed. */
  testCrashPoint: string | undefined;
}

/**
 * Sized by CPU requests, which is what the scheduler runs out of first on a 2-core kind node:
 * a Level 30 environment requests 85m (toolbox 10m, three Redis pods at 25m), and about 1.25
 * cores are left after the node's system pods, so about 14 fit; 12 leaves room for the grader's
 * probe and a reset in progress (measured: a shared cluster with ~15 environments left pods
 * Pending with "Insufficient cpu").
 */
export const DEFAULT_MAX_ENVIRONMENTS = 12;

/**
 * Two per level: on the 2-core machine the platform is sized for, two idle Level 30 namespaces
 * cost about 0.1 CPU and 0.5 GiB (see the README's load figures), and a class's first wave of
 * starts mostly finds one ready while the refill catches up.
 */
export const DEFAULT_WARM_POOL = 2;
export const DEFAULT_PER_IP_LIMITS: PerIpLimits = { newSessions: 100, levelStarts: 60, windowMs: 10 * 60_000 };
export const DEFAULT_RECORDING_POLICY: RecordingPolicy = { maxBytes: 1024 * 1024, retentionDays: 30 };

/** Thrown when the environment holds settings KubeQuest cannot run with; lists every problem. */
export class ServerConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`KubeQuest cannot start with this configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ServerConfigError";
  }
}

const unset = (raw: string | undefined): raw is undefined => raw === undefined || raw.trim() === "";

/** An optional environment variable read as a number that must pass `valid`. */
function numberVar(name: string, fallback: number, valid: (n: number) => boolean, must: string) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (unset(raw)) return fallback;
      const n = Number(raw);
      if (!valid(n)) {
        ctx.addIssue({ code: "custom", message: `${name} must be ${must}, got "${raw}"` });
        return z.NEVER;
      }
      return n;
    });
}

const wholeAtLeast = (min: number) => (n: number) => Number.isSafeInteger(n) && n >= min;
const positive = (n: number) => Number.isFinite(n) && n > 0;

/** `scheme://host[:port]` of an http(s) URL, or null for anything else. */
export function normalizeOrigin(origin: string): string | null {
  try {
    const url = new URL(origin);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return url.origin;
  } catch {
    return null;
  }
}

const clusterSchema = z.object({
  KUBECONFIG: z.string().optional(),
  KUBEQUEST_HOME: z.string().optional(),
  KUBERNETES_SERVICE_HOST: z.string().optional(),
});

const storageSchema = z.object({
  DATABASE_URL: z
    .string()
    .optional()
    .refine((url) => unset(url) || /^postgres(ql)?:\/\//.test(url), {
      message: "DATABASE_URL must start with postgres:// or postgresql:// (or be unset for SQLite in the data folder)",
    }),
  KUBEQUEST_DATA_DIR: z.string().optional(),
});

const serverSchema = z.object({
  PORT: numberVar("PORT", 3000, (n) => Number.isInteger(n) && n >= 0 && n <= 65535, "a port number"),
  HOST: z.string().optional(),
  KUBEQUEST_INSTANCE_ID: z
    .string()
    .optional()
    .refine((id) => unset(id) || LABEL_VALUE.test(id), {
      message: 'KUBEQUEST_INSTANCE_ID must be at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
    }),
  KUBEQUEST_SESSION_SECRET: z
    .string()
    .optional()
    .refine((s) => s === undefined || s === "" || s.length >= MIN_SESSION_SECRET_LENGTH, {
      message: `KUBEQUEST_SESSION_SECRET must be at least ${MIN_SESSION_SECRET_LENGTH} characters (for example: openssl rand -hex 32)`,
    }),
  KUBEQUEST_ACCOUNT_SESSION_HOURS: numberVar("KUBEQUEST_ACCOUNT_SESSION_HOURS", 14 * 24, positive, "a positive number of hours"),
  KUBEQUEST_ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const listed = (raw ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const origins: string[] = [];
      for (const entry of listed) {
        const origin = normalizeOrigin(entry);
        if (origin) origins.push(origin);
        else ctx.addIssue({ code: "custom", message: `KUBEQUEST_ALLOWED_ORIGINS: "${entry}" is not an http:// or https:// origin (e.g. https://learn.example)` });
      }
      return origins;
    }),
  KUBEQUEST_LEVELS_DIR: z.string().optional(),
  KUBEQUEST_ENV_TTL_HOURS: numberVar("KUBEQUEST_ENV_TTL_HOURS", 24, positive, "a positive number of hours"),
  KUBEQUEST_MAX_ENVIRONMENTS: numberVar("KUBEQUEST_MAX_ENVIRONMENTS", DEFAULT_MAX_ENVIRONMENTS, wholeAtLeast(0), "a whole number ≥ 0"),
  KUBEQUEST_TEST_RUN: z
    .string()
    .optional()
    .refine((run) => unset(run) || LABEL_VALUE.test(run), {
      message: 'KUBEQUEST_TEST_RUN is not a Kubernetes label value: use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
    }),
  KUBEQUEST_WARM_POOL: z.string().optional(),
  KUBEQUEST_REAP_INTERVAL_SECONDS: numberVar("KUBEQUEST_REAP_INTERVAL_SECONDS", 600, positive, "a positive number of seconds"),
  KUBEQUEST_NEW_SESSIONS_PER_IP: numberVar("KUBEQUEST_NEW_SESSIONS_PER_IP", DEFAULT_PER_IP_LIMITS.newSessions, wholeAtLeast(1), "a whole number ≥ 1 (per 10 minutes)"),
  KUBEQUEST_LEVEL_STARTS_PER_IP: numberVar("KUBEQUEST_LEVEL_STARTS_PER_IP", DEFAULT_PER_IP_LIMITS.levelStarts, wholeAtLeast(1), "a whole number ≥ 1 (per 10 minutes)"),
  KUBEQUEST_RECORDING_MAX_BYTES: numberVar("KUBEQUEST_RECORDING_MAX_BYTES", DEFAULT_RECORDING_POLICY.maxBytes, wholeAtLeast(1), "a positive whole number of bytes (e.g. 1048576 for 1 MiB)"),
  KUBEQUEST_RECORDING_RETENTION_DAYS: numberVar("KUBEQUEST_RECORDING_RETENTION_DAYS", DEFAULT_RECORDING_POLICY.retentionDays, wholeAtLeast(1), "a positive whole number of days (e.g. 30)"),
  // Renewed every third of it: under 3 s a slow database round trip could lose a held lease.
  KUBEQUEST_LEASE_SECONDS: numberVar("KUBEQUEST_LEASE_SECONDS", 15, (n) => Number.isFinite(n) && n >= 3 && n <= 3600, "a number of seconds from 3 to 3600"),
  KUBEQUEST_GRADE_CONCURRENCY: numberVar("KUBEQUEST_GRADE_CONCURRENCY", 8, wholeAtLeast(0), "a whole number ≥ 0 (0: no bound)"),
  KUBEQUEST_TEST_CRASH_POINT: z.string().optional(),
});

function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => issue.message);
}

function parseSection<T extends z.ZodType>(schema: T, env: Env): { value?: z.output<T>; problems: string[] } {
  const parsed = schema.safeParse(env);
  return parsed.success ? { value: parsed.data, problems: [] } : { problems: problemsOf(parsed.error) };
}

function clusterOf(raw: z.output<typeof clusterSchema>, homeDir: string): ClusterConfig {
  const home = unset(raw.KUBEQUEST_HOME) ? path.join(homeDir, ".kubequest") : path.resolve(raw.KUBEQUEST_HOME);
  return {
    kubeconfigEnv: unset(raw.KUBECONFIG) ? undefined : raw.KUBECONFIG.trim(),
    home,
    defaultKubeconfig: path.join(home, "kubeconfig"),
    inCluster: !unset(raw.KUBERNETES_SERVICE_HOST),
  };
}

function storageOf(raw: z.output<typeof storageSchema>): StorageConfig {
  return {
    databaseUrl: unset(raw.DATABASE_URL) ? undefined : raw.DATABASE_URL,
    dataDir: path.resolve(unset(raw.KUBEQUEST_DATA_DIR) ? "data" : raw.KUBEQUEST_DATA_DIR),
  };
}

/** Where the cluster is: what the server, the scripts and the cluster kit agree on. */
export function clusterConfigFrom(env: Env = process.env, homeDir: string = os.homedir()): ClusterConfig {
  const { value, problems } = parseSection(clusterSchema, env);
  if (!value) throw new ServerConfigError(problems);
  return clusterOf(value, homeDir);
}

/** The database and the data folder. */
export function storageConfigFrom(env: Env = process.env): StorageConfig {
  const { value, problems } = parseSection(storageSchema, env);
  if (!value) throw new ServerConfigError(problems);
  return storageOf(value);
}

/** KUBEQUEST_TEST_RUN (validated): for code that runs outside the server, such as test set-ups. */
export function testRunFrom(env: Env = process.env): string | undefined {
  const parsed = serverSchema.shape.KUBEQUEST_TEST_RUN.safeParse(env.KUBEQUEST_TEST_RUN);
  if (!parsed.success) throw new ServerConfigError(problemsOf(parsed.error));
  return unset(parsed.data) ? undefined : parsed.data;
}

/**
 * Pre-started environments kept per level: `each` for every level `levels` does not name
 * (by its id or its number). An operator whose class plays one level pools that one only:
 * every pooled environment idles on the cluster's CPU until it is claimed.
 */
export interface WarmPoolSizes {
  each: number;
  levels: Readonly<Record<string, number>>;
}

const POOL_MAX = 50;
const POOL_LEVEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * KUBEQUEST_WARM_POOL: `3` (three for every level), `headless-statefulset-dns=3` or `30=3`
 * (that level only, none for the others), `1,30=3` (one for every level, three for level 30);
 * 0 turns the pool off. A test server (KUBEQUEST_TEST_RUN set) keeps none unless told: tests
 * start exactly what they test.
 */
export function warmPoolFrom(env: Env = process.env): WarmPoolSizes {
  const raw = env.KUBEQUEST_WARM_POOL;
  if (unset(raw)) return { each: unset(env.KUBEQUEST_TEST_RUN) ? DEFAULT_WARM_POOL : 0, levels: {} };
  const usage = `KUBEQUEST_WARM_POOL is a whole number from 0 to ${POOL_MAX} for every level, or a list such as "30=3" or "1,headless-statefulset-dns=3" (a level's number or id = its pool)`;
  // Digits only: Number() alone would take "0x3", "1e1" and "+3".
  const count = (text: string): number | undefined => {
    const n = Number(text.trim());
    return /^\d+$/.test(text.trim()) && n <= POOL_MAX ? n : undefined;
  };
  let each: number | undefined;
  // Own keys only (Object.hasOwn below): a level named "constructor" is an unknown level, not
  // one named twice. POOL_LEVEL keeps out "__proto__".
  const levels: Record<string, number> = {};
  const problems: string[] = [];
  for (const entry of raw.split(",").map((e) => e.trim())) {
    const eq = entry.indexOf("=");
    if (eq < 0) {
      const n = count(entry);
      if (n === undefined) problems.push(`"${entry}" is not a whole number from 0 to ${POOL_MAX}`);
      else if (each !== undefined) problems.push(`it gives the pool for every level twice ("${each}" and "${entry}")`);
      else each = n;
      continue;
    }
    const level = entry.slice(0, eq).trim();
    const n = count(entry.slice(eq + 1));
    if (!POOL_LEVEL.test(level)) problems.push(`"${level}" in "${entry}" is not a level's number or id`);
    else if (n === undefined) problems.push(`the pool in "${entry}" is not a whole number from 0 to ${POOL_MAX}`);
    else if (Object.hasOwn(levels, level)) problems.push(`it names level "${level}" twice`);
    else levels[level] = n;
  }
  if (problems.length > 0) throw new ServerConfigError([`${usage}; got "${raw}": ${problems.join("; ")}`]);
  // A list that names levels and gives no number for the rest pools those levels only.
  return { each: each ?? 0, levels };
}

/** KUBEQUEST_LEVELS_DIR, else ./levels (absolute). */
export function levelsDirFrom(env: Env = process.env): string {
  return path.resolve(unset(env.KUBEQUEST_LEVELS_DIR) ? "levels" : env.KUBEQUEST_LEVELS_DIR);
}

/** The server's whole configuration; throws ServerConfigError naming every bad setting. */
export function readServerConfig(env: Env = process.env, system: { homeDir?: string; hostname?: string; pid?: number } = {}): ServerConfig {
  const cluster = parseSection(clusterSchema, env);
  const storage = parseSection(storageSchema, env);
  const server = parseSection(serverSchema, env);
  const problems = [...cluster.problems, ...storage.problems, ...server.problems];
  let warmPool: WarmPoolSizes = { each: 0, levels: {} };
  try {
    warmPool = warmPoolFrom(env);
  } catch (err) {
    problems.push(...(err as ServerConfigError).problems);
  }
  if (!cluster.value || !storage.value || !server.value || problems.length > 0) throw new ServerConfigError(problems);
  const s = server.value;
  const host = unset(s.HOST) ? "127.0.0.1" : s.HOST.trim();
  const hostname = (system.hostname ?? os.hostname()).replace(/[^A-Za-z0-9_.-]/g, "-").slice(0, 40).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "") || "kubequest";
  return {
    instanceId: unset(s.KUBEQUEST_INSTANCE_ID) ? `${hostname}-${system.pid ?? process.pid}` : s.KUBEQUEST_INSTANCE_ID,
    port: s.PORT,
    host,
    storage: storageOf(storage.value),
    cluster: clusterOf(cluster.value, system.homeDir ?? os.homedir()),
    sessionSecret: unset(s.KUBEQUEST_SESSION_SECRET) ? undefined : s.KUBEQUEST_SESSION_SECRET,
    accountSessionTtlMs: s.KUBEQUEST_ACCOUNT_SESSION_HOURS * 3_600_000,
    allowedOrigins: s.KUBEQUEST_ALLOWED_ORIGINS,
    levelsDir: levelsDirFrom(env),
    environments: {
      ttlMs: s.KUBEQUEST_ENV_TTL_HOURS * 3_600_000,
      max: s.KUBEQUEST_MAX_ENVIRONMENTS,
      testRun: unset(s.KUBEQUEST_TEST_RUN) ? undefined : s.KUBEQUEST_TEST_RUN,
      reapEveryMs: s.KUBEQUEST_REAP_INTERVAL_SECONDS * 1000,
      warmPool,
    },
    perIp: { newSessions: s.KUBEQUEST_NEW_SESSIONS_PER_IP, levelStarts: s.KUBEQUEST_LEVEL_STARTS_PER_IP, windowMs: DEFAULT_PER_IP_LIMITS.windowMs },
    recording: { maxBytes: s.KUBEQUEST_RECORDING_MAX_BYTES, retentionDays: s.KUBEQUEST_RECORDING_RETENTION_DAYS },
    leaseMs: s.KUBEQUEST_LEASE_SECONDS * 1000,
    gradeConcurrency: s.KUBEQUEST_GRADE_CONCURRENCY,
    testCrashPoint: unset(s.KUBEQUEST_TEST_CRASH_POINT) ? undefined : s.KUBEQUEST_TEST_CRASH_POINT,
  };
}
