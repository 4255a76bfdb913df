/**
 * The learner's web terminal: a TTY exec into the toolbox pod of their level namespace,
 * attached to a tmux session so that a reload or a dropped connection finds the same shell
 * (and its history) again. The shell runs in the cluster, never on the host.
 *
 * One live terminal per socket, and one per learner and level: opening it in a second tab
 * closes it in the first. Output goes out with flow control (see flow-control.ts).
 *
 * Node only.
 */
import { StringDecoder } from "node:string_decoder";
import { LIMITS } from "../../lib/protocol/socket-events";
import type { InteractiveExec, KubeAdapter } from "../kubernetes/kube-adapter";
import { OutputFlowControl } from "./flow-control";
import type { TerminalOutputRecorder } from "./terminal-recorder";

/** Attach to the session "main", creating it the first time (`-A`). Fixed argv: no user text. */
export const TMUX_ARGV = ["tmux", "new-session", "-A", "-s", "main"];

const IDLE_CHECK_MS = 60_000;

/** Where a terminal's output and end go (the socket layer emits terminal:output / terminal:exit). */
export interface TerminalSink {
  output(chunk: { data: string; bytes: number }): void;
  exit(info: { reason: string }): void;
}

/**
 * The key a learner's terminal of a level is known by: the socket layer opens terminals under
 * it, and a reset (the learner's or their instructor's) closes them by it.
 */
export const attemptKeyOf = (learnerId: string, levelId: string): string => `${learnerId}:${levelId}`;

export interface TerminalTarget {
  /** Identifies the learner's attempt (learner and level, see `attemptKeyOf`): one terminal per attempt. */
  attemptKey: string;
  namespace: string;
  pod: string;
}

interface LiveTerminal {
  socketId: string;
  attemptKey: string;
  exec: InteractiveExec;
  flow: OutputFlowControl;
  sink: TerminalSink;
  lastInputAt: number;
  ended: boolean;
  /** Records what this attach shows, for the learner's instructors (learners in a cohort only). */
  recorder: TerminalOutputRecorder | undefined;
}

export interface TerminalSessionOptions {
  kube: () => KubeAdapter;
  /** Closes a terminal after this long without input; tmux keeps the shell. */
  idleMs?: number;
  unackedLimit?: number;
  now?: () => number;
}

export class TerminalSessions {
  private readonly bySocket = new Map<string, LiveTerminal>();
  /** Opens in progress per socket; a newer open or a close makes an older one give up. */
  private readonly opening = new Map<string, symbol>();
  private readonly idleMs: number;
  private readonly unackedLimit: number;
  private readonly now: () => number;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Recordings still writing their last frames after their terminal closed. */
  private readonly closingRecordings = new Set<Promise<void>>();

  constructor(private readonly opts: TerminalSessionOptions) {
    this.idleMs = opts.idleMs ?? 30 * 60_000;
    this.unackedLimit = opts.unackedLimit ?? LIMITS.terminalUnackedBytes;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Opens the socket's terminal, replacing its previous one and the attempt's terminal elsewhere.
   * `record`, when given, makes the recorder of this attach once the shell is reached (so a
   * failed attach leaves no empty recording behind).
   */
  async open(
    socketId: string,
    target: TerminalTarget,
    size: { cols: number; rows: number },
    sink: TerminalSink,
    record?: () => TerminalOutputRecorder,
  ): Promise<void> {
    // The socket's own previous terminal goes quietly: an exit event would reach the very
    // page that is attaching again. Another tab's terminal for this attempt is told why.
    this.detach(socketId);
    this.closeAttempt(target.attemptKey, "This terminal was opened in another tab or window.");
    const token = Symbol("open");
    this.opening.set(socketId, token);

    let exec: InteractiveExec;
    try {
      exec = await this.opts.kube().execInteractive(target.namespace, target.pod, undefined, TMUX_ARGV, size);
    } catch (err) {
      if (this.opening.get(socketId) === token) this.opening.delete(socketId);
      throw err;
    }
    if (this.opening.get(socketId) !== token) {
      // The socket closed or opened another terminal while this one connected.
      exec.close();
      return;
    }
    this.opening.delete(socketId);

    const terminal: LiveTerminal = {
      socketId,
      attemptKey: target.attemptKey,
      exec,
      sink,
      lastInputAt: this.now(),
      ended: false,
      recorder: record?.(),
      flow: new OutputFlowControl(this.unackedLimit, {
        pause: () => exec.stdout.pause(),
        resume: () => exec.stdout.resume(),
      }),
    };
    this.bySocket.set(socketId, terminal);

    // A multi-byte character split between two chunks must not become two broken ones.
    const decoder = new StringDecoder("utf8");
    let carried = 0;
    exec.stdout.on("data", (chunk: Buffer) => {
      const data = decoder.write(chunk);
      carried += chunk.length;
      if (data === "") return;
      const bytes = carried;
      carried = 0;
      terminal.flow.sent(bytes);
      sink.output({ data, bytes });
      // The very string the learner's screen gets, so a replay shows what they saw.
      terminal.recorder?.output(data);
    });
    void exec.closed.then(({ reason }) => this.end(terminal, reason));
  }

  input(socketId: string, data: string): void {
    const t = this.bySocket.get(socketId);
    if (!t || t.ended) return;
    t.lastInputAt = this.now();
    t.exec.stdin.write(data);
  }

  resize(socketId: string, cols: number, rows: number): void {
    const t = this.bySocket.get(socketId);
    if (t && !t.ended) {
      t.exec.resize(cols, rows);
      t.recorder?.resize(cols, rows);
    }
  }

  ack(socketId: string, bytes: number): void {
    this.bySocket.get(socketId)?.flow.acked(bytes);
  }

  /** Closes the socket's terminal (tmux keeps the shell). `reason` is sent to the browser. */
  close(socketId: string, reason: string): void {
    this.opening.delete(socketId);
    const t = this.bySocket.get(socketId);
    if (t) this.end(t, reason);
  }

  /** Closes the terminal of one learner's attempt wherever it is open (e.g. before a reset). */
  closeAttempt(attemptKey: string, reason: string): void {
    for (const t of [...this.bySocket.values()]) if (t.attemptKey === attemptKey) this.end(t, reason);
  }

  /**
   * Stops recording the learner's open terminals (they stay open): after the learner left their
   * last cohort, no instructor may replay what they type next.
   */
  stopRecordingOf(learnerId: string): void {
    const prefix = attemptKeyOf(learnerId, "");
    for (const t of this.bySocket.values()) if (t.attemptKey.startsWith(prefix)) this.closeRecording(t);
  }

  /** Forgets a socket that went away: nothing is sent to it. */
  detach(socketId: string): void {
    this.opening.delete(socketId);
    const t = this.bySocket.get(socketId);
    if (!t) return;
    t.ended = true;
    this.bySocket.delete(socketId);
    t.exec.close();
    this.closeRecording(t);
  }

  private end(t: LiveTerminal, reason: string): void {
    if (t.ended) return;
    t.ended = true;
    if (this.bySocket.get(t.socketId) === t) this.bySocket.delete(t.socketId);
    t.exec.close();
    this.closeRecording(t);
    t.sink.exit({ reason });
  }

  /** Lets the attach's recording write its last frames, without the terminal waiting for it. */
  private closeRecording(t: LiveTerminal): void {
    if (!t.recorder) return;
    const closing = t.recorder.close();
    t.recorder = undefined;
    this.closingRecordings.add(closing);
    void closing.finally(() => this.closingRecordings.delete(closing));
  }

  /** Resolves once closed terminals' recordings are written (before the database closes). */
  async recordingsWritten(): Promise<void> {
    await Promise.all([...this.closingRecordings]);
  }

  /** Closes terminals nobody typed into for `idleMs`; checks every minute. */
  startIdleReaper(): void {
    if (this.idleTimer) return;
    this.idleTimer = setInterval(() => this.closeIdle(), IDLE_CHECK_MS);
    this.idleTimer.unref();
  }

  closeIdle(): void {
    const minutes = Math.round(this.idleMs / 60_000);
    for (const t of [...this.bySocket.values()]) {
      if (this.now() - t.lastInputAt > this.idleMs) {
        this.end(t, `Closed after ${minutes} minutes without input. Your shell is still running: reopen the terminal to continue.`);
      }
    }
  }

  closeAll(reason: string): void {
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = undefined;
    this.opening.clear();
    for (const t of [...this.bySocket.values()]) this.end(t, reason);
  }

  get size(): number {
    return this.bySocket.size;
  }
}
