import path from "node:path";
import { describe, expect, it } from "vitest";
import { ServerConfigError, clusterConfigFrom, readServerConfig, storageConfigFrom, testRunFrom } from "./server-config";

const system = { homeDir: "/home/learner", hostname: "web-1", pid: 4242 };
const read = (env: Record<string, string | undefined>) => readServerConfig(env, system);
const problemsOf = (env: Record<string, string | undefined>): string[] => {
  try {
    read(env);
  } catch (err) {
    if (err instanceof ServerConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected a ServerConfigError");
};

describe("readServerConfig", () => {
  it("runs with nothing set: SQLite in ./data, ~/.kubequest, loopback on 3000, an instance id from host and pid", () => {
    const config = read({});
    expect(config).toMatchObject({
      instanceId: "web-1-4242",
      port: 3000,
      host: "127.0.0.1",
      storage: { databaseUrl: undefined, dataDir: path.resolve("data") },
      cluster: { kubeconfigEnv: undefined, home: "/home/learner/.kubequest", defaultKubeconfig: "/home/learner/.kubequest/kubeconfig", inCluster: false },
      sessionSecret: undefined,
      accountSessionTtlMs: 14 * 24 * 3_600_000,
      allowedOrigins: [],
      environments: { ttlMs: 24 * 3_600_000, max: 12, testRun: undefined, reapEveryMs: 600_000 },
      perIp: { newSessions: 100, levelStarts: 60, windowMs: 600_000 },
      recording: { maxBytes: 1_048_576, retentionDays: 30 },
      leaseMs: 15_000,
      testCrashPoint: undefined,
      gradeConcurrency: 8,
    });
  });

  it("finds the kubeconfig under KUBEQUEST_HOME, as the cluster kit writes it", () => {
    expect(read({ KUBEQUEST_HOME: "/srv/kq" }).cluster).toMatchObject({ home: "/srv/kq", defaultKubeconfig: "/srv/kq/kubeconfig" });
    expect(clusterConfigFrom({ KUBEQUEST_HOME: "/srv/kq", KUBECONFIG: " /a:/b " }, "/home/x")).toEqual({
      kubeconfigEnv: "/a:/b",
      home: "/srv/kq",
      defaultKubeconfig: "/srv/kq/kubeconfig",
      inCluster: false,
    });
    expect(clusterConfigFrom({ KUBERNETES_SERVICE_HOST: "10.96.0.1" }, "/home/x").inCluster).toBe(true);
  });

  it("reads the scaled-out settings: PostgreSQL, a shared secret, an instance id, the lease", () => {
    const config = read({
      DATABASE_URL: "postgres://kq@db:5432/kubequest",
      KUBEQUEST_SESSION_SECRET: "s".repeat(64),
      KUBEQUEST_INSTANCE_ID: "kq-b",
      KUBEQUEST_LEASE_SECONDS: "5",
    });
    expect(config.storage.databaseUrl).toBe("postgres://kq@db:5432/kubequest");
    expect(config.sessionSecret).toBe("s".repeat(64));
    expect(config.instanceId).toBe("kq-b");
    expect(config.leaseMs).toBe(5_000);
  });

  it("reads every number it is given", () => {
    const config = read({
      PORT: "8080",
      KUBEQUEST_ACCOUNT_SESSION_HOURS: "2",
      KUBEQUEST_ENV_TTL_HOURS: "0.5",
      KUBEQUEST_MAX_ENVIRONMENTS: "0",
      KUBEQUEST_REAP_INTERVAL_SECONDS: "2",
      KUBEQUEST_NEW_SESSIONS_PER_IP: "500",
      KUBEQUEST_LEVEL_STARTS_PER_IP: "90",
      KUBEQUEST_RECORDING_MAX_BYTES: "4096",
      KUBEQUEST_RECORDING_RETENTION_DAYS: "7",
      KUBEQUEST_GRADE_CONCURRENCY: "0",
    });
    expect(config.port).toBe(8080);
    expect(config.gradeConcurrency).toBe(0);
    expect(config.accountSessionTtlMs).toBe(7_200_000);
    expect(config.environments).toMatchObject({ ttlMs: 1_800_000, max: 0, reapEveryMs: 2_000 });
    expect(config.perIp).toMatchObject({ newSessions: 500, levelStarts: 90 });
    expect(config.recording).toEqual({ maxBytes: 4096, retentionDays: 7 });
  });

  it("normalizes the allowed origins", () => {
    expect(read({ KUBEQUEST_ALLOWED_ORIGINS: "https://learn.example/, http://localhost:8080" }).allowedOrigins).toEqual(["https://learn.example", "http://localhost:8080"]);
  });

  it("names every bad setting at once, each with what would do", () => {
    const problems = problemsOf({
      PORT: "99999",
      DATABASE_URL: "mysql://db",
      KUBEQUEST_SESSION_SECRET: "short",
      KUBEQUEST_MAX_ENVIRONMENTS: "-1",
      KUBEQUEST_LEVEL_STARTS_PER_IP: "0",
      KUBEQUEST_ALLOWED_ORIGINS: "ftp://x",
      KUBEQUEST_LEASE_SECONDS: "1",
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'PORT must be a port number, got "99999"',
        "DATABASE_URL must start with postgres:// or postgresql:// (or be unset for SQLite in the data folder)",
        "KUBEQUEST_SESSION_SECRET must be at least 32 characters (for example: openssl rand -hex 32)",
        'KUBEQUEST_MAX_ENVIRONMENTS must be a whole number ≥ 0, got "-1"',
        'KUBEQUEST_LEVEL_STARTS_PER_IP must be a whole number ≥ 1 (per 10 minutes), got "0"',
        'KUBEQUEST_ALLOWED_ORIGINS: "ftp://x" is not an http:// or https:// origin (e.g. https://learn.example)',
        'KUBEQUEST_LEASE_SECONDS must be a number of seconds from 3 to 3600, got "1"',
      ]),
    );
    expect(problems).toHaveLength(7);
    expect(() => read({ PORT: "x" })).toThrow(/KubeQuest cannot start with this configuration:\n {2}- PORT must be a port number/);
  });

  it.each([["0"], ["-5"], ["1.5"], ["lots"], ["1e400"]])("refuses KUBEQUEST_RECORDING_MAX_BYTES=%s with what to set", (value) => {
    expect(problemsOf({ KUBEQUEST_RECORDING_MAX_BYTES: value })).toEqual([
      `KUBEQUEST_RECORDING_MAX_BYTES must be a positive whole number of bytes (e.g. 1048576 for 1 MiB), got "${value}"`,
    ]);
  });

  it("refuses ids that cannot name a lease holder or a label", () => {
    expect(problemsOf({ KUBEQUEST_INSTANCE_ID: "web 1" })[0]).toMatch(/KUBEQUEST_INSTANCE_ID must be at most 63 letters/);
    expect(problemsOf({ KUBEQUEST_TEST_RUN: "my run" })[0]).toMatch(/KUBEQUEST_TEST_RUN is not a Kubernetes label value/);
    expect(() => testRunFrom({ KUBEQUEST_TEST_RUN: "-run" })).toThrow(/not a Kubernetes label value/);
    expect(testRunFrom({ KUBEQUEST_TEST_RUN: "it-1-ab" })).toBe("it-1-ab");
  });

  it("treats empty values as unset", () => {
    expect(read({ DATABASE_URL: "", KUBEQUEST_SESSION_SECRET: "", PORT: "", KUBEQUEST_TEST_RUN: "" })).toMatchObject({
      storage: { databaseUrl: undefined },
      sessionSecret: undefined,
      port: 3000,
      environments: { testRun: undefined },
    });
  });

  it("lets a script read the storage section without the rest", () => {
    expect(storageConfigFrom({ DATABASE_URL: "postgresql://x/y", PORT: "nonsense" })).toEqual({ databaseUrl: "postgresql://x/y", dataDir: path.resolve("data") });
  });
});
