/**
 * Runs the kit's long steps with a name, progress and elapsed time on the console, full output
 * in a log file, and a cache marker so a finished step is not run again for the same inputs.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { reportLockedStep } from "./cluster-lock";
import { LOG_DIR } from "./kit-config";

const isTTY = process.stdout.isTTY === true;

export function formatElapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

export function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

export class StepFailed extends Error {
  constructor(
    readonly step: string,
    readonly logFile: string,
    readonly tail: string,
  ) {
    super(`step "${step}" failed — full log: ${logFile}\n${tail}`);
  }
}

/**
 * Runs a command, streaming its output to a log file. Every 15 s (or on each output line on a
 * terminal) it prints the step's elapsed time and latest line, so a 20-minute compile is
 * visibly alive. Resolves with the captured stdout.
 */
export function runLogged(
  step: string,
  command: string,
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; input?: string } = {},
): Promise<string> {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = path.join(LOG_DIR, `${step.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}.log`);
  const out = createWriteStream(logFile);
  const started = Date.now();
  let lastLine = "";
  let stdout = "";
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    const onData = (chunk: Buffer, isStdout: boolean) => {
      out.write(chunk);
      const text = chunk.toString("utf8");
      if (isStdout) stdout += text;
      for (const line of text.split("\n")) {
        if (line.trim()) {
          lastLine = line.trim();
          lines.push(lastLine);
          if (lines.length > 40) lines.shift();
        }
      }
      if (isTTY) process.stdout.write(`\r\x1b[2K  … ${formatElapsed(Date.now() - started)} ${lastLine.slice(0, 100)}`);
    };
    child.stdout?.on("data", (c: Buffer) => onData(c, true));
    child.stderr?.on("data", (c: Buffer) => onData(c, false));
    const heartbeat = isTTY
      ? undefined
      : setInterval(() => log(`  … ${step}: ${formatElapsed(Date.now() - started)} — ${lastLine.slice(0, 120)}`), 15_000);
    child.on("error", (err) => {
      clearInterval(heartbeat);
      out.end();
      reject(new StepFailed(step, logFile, `could not run ${command}: ${err.message}`));
    });
    child.on("close", (code) => {
      clearInterval(heartbeat);
      if (isTTY) process.stdout.write("\r\x1b[2K");
      out.end();
      if (code === 0) resolve(stdout);
      else reject(new StepFailed(step, logFile, lines.slice(-25).join("\n")));
    });
  });
}

/** Hash of the files a step depends on plus extra strings (versions), for cache keys. */
export function inputsKey(files: string[], extra: string[] = []): string {
  const h = createHash("sha256");
  for (const f of files) h.update(readFileSync(f));
  for (const e of extra) h.update(`\0${e}`);
  return h.digest("hex").slice(0, 12);
}

export interface CachedStep {
  name: string;
  /** Directory holding the step's output; complete only when its marker matches `key`. */
  outDir: string;
  key: string;
  run(partialDir: string): Promise<void>;
}

/**
 * Runs a step whose output is a directory, unless the cache already holds it for this key.
 * Output is built in a fresh `<outDir>.partial-XXXXXX` directory and renamed into place only
 * when the step succeeded, so a killed or failed build never leaves a directory that later
 * counts as cached. The directory is unique per attempt because a killed builder's children
 * (a `go build`) may outlive it and keep writing into its own partial directory.
 * Callers hold the cluster lock (cluster-lock.ts), so no two builders share a cache entry.
 */
export async function runCachedStep(index: number, total: number, step: CachedStep): Promise<"cached" | "built"> {
  const marker = path.join(step.outDir, ".kit-key");
  const label = total > 0 ? `[${index}/${total}] ${step.name}` : `  ${step.name}`;
  if (existsSync(marker) && readFileSync(marker, "utf8").trim() === step.key) {
    log(`${label}: cached (${step.outDir})`);
    return "cached";
  }
  reportLockedStep(step.name);
  removeStalePartials(step.outDir);
  mkdirSync(path.dirname(step.outDir), { recursive: true });
  const partial = mkdtempSync(`${step.outDir}.partial-`);
  log(`${label}: building…`);
  const started = Date.now();
  try {
    await step.run(partial);
    writeFileSync(path.join(partial, ".kit-key"), `${step.key}\n`);
    rmSync(step.outDir, { recursive: true, force: true });
    renameSync(partial, step.outDir);
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    throw err;
  }
  log(`${label}: done in ${formatElapsed(Date.now() - started)}`);
  return "built";
}

/** Partial directories left by builds that were killed (their owners are gone: we hold the lock). */
function removeStalePartials(outDir: string): void {
  const dir = path.dirname(outDir);
  if (!existsSync(dir)) return;
  const prefix = `${path.basename(outDir)}.partial`;
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith(prefix)) rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
}

/** A step with no cached output (checks, cluster actions): name, elapsed, result. */
export async function runTimedStep<T>(index: number, total: number, name: string, fn: () => Promise<T>): Promise<T> {
  const label = `[${index}/${total}] ${name}`;
  reportLockedStep(name);
  log(`${label}…`);
  const started = Date.now();
  const result = await fn();
  log(`${label}: done in ${formatElapsed(Date.now() - started)}`);
  return result;
}
