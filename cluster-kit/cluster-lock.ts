/**
 * One `cluster:up` at a time on a machine. Two terminals, two test stages, or `npm start` while
 * `npm test` runs would otherwise build the same kit step into the same cache directory, tag
 * the same Docker images and create the same kind cluster at once, and fail or corrupt each
 * other. The second caller waits, saying who holds the lock and which step it is on, then runs
 * the same idempotent `cluster:up`, which finds everything built and reuses it.
 *
 * Why flock(1) rather than a lock file with a pid in it: the kernel drops an flock the moment its
 * holder dies (SIGKILL, OOM, a closed laptop lid), so there is no stale lock to detect, no timer
 * to guess and no race between two waiters "taking over" a dead holder's file. Node cannot flock
 * a descriptor itself, so a small `flock <file> cat` child holds the lock for us; it exits, and
 * the lock goes, when our end of its stdin closes — including when this process is killed.
 * flock is part of util-linux (on every Debian and Ubuntu machine).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** What a waiting caller is told about the holder, kept beside the lock file. */
export interface LockHolder {
  pid: number;
  step: string;
  since: string;
}

/**
 * Machine-wide, not per kit cache: Docker's images and the kind cluster's name are shared by
 * every cache directory on the machine.
 */
export const DEFAULT_CLUSTER_LOCK = path.join(os.tmpdir(), `kubequest-cluster-up-${process.getuid?.() ?? 0}.lock`);

interface Held {
  lockFile: string;
  holder: ChildProcess;
}
/** The lock this process holds, so nested calls (start → clusterUp → …) do not wait on themselves. */
let held: Held | undefined;

const statusFile = (lockFile: string) => `${lockFile}.holder.json`;

function readHolder(lockFile: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(statusFile(lockFile), "utf8")) as LockHolder;
  } catch {
    return undefined;
  }
}

/** Tells waiting callers which step this process is on (no-op when it holds no lock). */
export function reportLockedStep(step: string): void {
  if (!held) return;
  const status: LockHolder = { pid: process.pid, step, since: new Date().toISOString() };
  try {
    writeFileSync(statusFile(held.lockFile), JSON.stringify(status));
  } catch {
    // Only a progress hint for others; never fail a build over it.
  }
}

let warnedNoFlock = false;
function flockAvailable(): boolean {
  return spawnSync("flock", ["--version"], { stdio: "ignore" }).status === 0;
}

export interface LockOptions {
  lockFile?: string;
  /** Where "waiting for …" lines go (the console by default). */
  log?: (line: string) => void;
  /** How often a waiter re-reads the holder's step. */
  pollMs?: number;
}

/** Runs `fn` while holding the machine's cluster lock, waiting visibly for another holder. */
export async function withClusterLock<T>(fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const lockFile = opts.lockFile ?? DEFAULT_CLUSTER_LOCK;
  const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (held?.lockFile === lockFile) return fn();
  if (!flockAvailable()) {
    if (!warnedNoFlock) log("warning: flock (util-linux) is not installed: concurrent cluster:up calls are not serialised");
    warnedNoFlock = true;
    return fn();
  }
  mkdirSync(path.dirname(lockFile), { recursive: true });
  const holder = await acquire(lockFile, log, opts.pollMs ?? 1000);
  held = { lockFile, holder };
  reportLockedStep("starting");
  try {
    return await fn();
  } finally {
    held = undefined;
    try {
      const status = readHolder(lockFile);
      if (status?.pid === process.pid) rmSync(statusFile(lockFile), { force: true });
    } catch {
      // best effort
    }
    await release(holder);
  }
}

function acquire(lockFile: string, log: (line: string) => void, pollMs: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    // `flock FILE cat`: flock takes the lock, then runs cat, which lives until our stdin pipe closes.
    const child = spawn("flock", ["--exclusive", lockFile, "sh", "-c", "echo locked; exec cat >/dev/null"], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stderr = "";
    let lastSaid = "";
    let waiting: NodeJS.Timeout | undefined;
    const say = () => {
      const h = readHolder(lockFile);
      const line = h
        ? `waiting for another cluster:up (pid ${h.pid}) — step ${h.step}`
        : "waiting for another cluster:up to finish";
      if (line !== lastSaid) log(line);
      lastSaid = line;
    };
    // Say nothing when the lock is free (the usual case): only a wait that lasts is announced.
    const firstNotice = setTimeout(() => {
      say();
      waiting = setInterval(say, pollMs);
    }, 200);
    child.stdout?.once("data", () => {
      clearTimeout(firstNotice);
      if (waiting) clearInterval(waiting);
      if (lastSaid) log("the other cluster:up finished: reusing what it built");
      resolve(child);
    });
    child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", (err) => {
      clearTimeout(firstNotice);
      if (waiting) clearInterval(waiting);
      reject(new Error(`could not take the cluster lock ${lockFile}: ${err.message}`));
    });
    child.on("close", (code) => {
      clearTimeout(firstNotice);
      if (waiting) clearInterval(waiting);
      // Only reached before "locked" if flock itself failed (resolve() has already run otherwise).
      reject(new Error(`could not take the cluster lock ${lockFile} (flock exited ${code}): ${stderr.trim()}`));
    });
  });
}

function release(holder: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (holder.exitCode !== null) return resolve();
    // A ref'd timer keeps this process alive until the holder has really let go (and bounds
    // the wait: closing its stdin is what releases the lock, whether or not we see it exit).
    const guard = setTimeout(resolve, 5000);
    holder.removeAllListeners("close");
    holder.on("close", () => {
      clearTimeout(guard);
      resolve();
    });
    holder.stdin?.end();
  });
}
