/**
 * Starts the real server in a process of its own (server-in-child.ts) and talks to it: its URL,
 * everything it printed, a wait for a line it prints (a crash point), its questions on stdin
 * (the positive signals a test waits for), a clean stop and a SIGKILL.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  /** Everything the server printed on stdout so far. */
  output(): string;
  /** Resolves once the server printed `needle` (already printed counts); rejects if it exits first. */
  printed(needle: string): Promise<void>;
  /** Asks the server a question (server-in-child.ts lists them) and resolves with its answer. */
  ask<T>(question: string, argument?: string): Promise<T>;
  /** SIGKILL, as a crash: resolves with the signal once the process is gone. */
  kill(): Promise<NodeJS.Signals | null>;
  /** SIGTERM, as `npm start` is stopped: resolves once it exited. */
  stop(): Promise<void>;
}

export async function startServerProcess(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "server-in-child.ts")], { env, stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  const listeners = new Set<() => void>();
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
    for (const l of [...listeners]) l();
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
  const printed = (needle: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (!out.includes(needle)) return;
        listeners.delete(check);
        resolve();
      };
      listeners.add(check);
      void exited.then(() => {
        if (!listeners.has(check)) return;
        listeners.delete(check);
        reject(new Error(`the server exited before printing "${needle}":\n${out}`));
      });
      check();
    });
  await printed("KQ-SERVER ");
  const url = /KQ-SERVER (\S+)/.exec(out)![1]!;
  let asked = 0;
  return {
    child,
    pid: child.pid!,
    url,
    output: () => out,
    printed,
    async ask<T>(question: string, argument?: string): Promise<T> {
      const n = ++asked;
      child.stdin!.write(`KQ-ASK ${n} ${question}${argument ? ` ${argument}` : ""}\n`);
      await printed(`KQ-ANSWER ${n} `);
      const json = new RegExp(`KQ-ANSWER ${n} (.*)`).exec(out)![1]!;
      const value = JSON.parse(json) as T & { error?: string };
      if (value && typeof value === "object" && "error" in value && typeof value.error === "string") throw new Error(value.error);
      return value;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      return exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
