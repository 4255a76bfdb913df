/**
 * The learner's web terminal: a TTY exec into the toolbox pod of their level namespace,
 * attached to a tmux session so that a reload or a dropped connection finds the same shell
 * (and its history) again. The shell runs in the cluster, never on the host.
 *
 * One live terminal per socket, and one per learner and level: opening it in a second tab
 * closes it in the first. Output goes out with flow control (see flow-control.ts) that pauses
 * on the server's own unsent bytes, not only on the browser's word. Closing a terminal, for
 * whatever reason, also ends its tmux client in the pod (see tmux-client.ts).
 *
 * Node only.
 */
import { StringDecoder } from "node:string_decoder";
import { LIMITS } from "../../lib/protocol/socket-events";
import { attemptKeyOf } from "../environments/environment-naming";
import type { InteractiveExec, KubeAdapter } from "../kubernetes/kube-adapter";
import { moduleLogger } from "../logging/logger";
import { OutputFlowControl } from "./flow-control";
import type { TerminalOutputRecorder } from "./terminal-recorder";
import { attachArgv, endTmuxClient, newAttachToken } from "./tmux-client";

const log = moduleLogger("terminal");
const IDLE_CHECK_MS = 60_000;

/**
 * Output the server may hold for one client (socket.io's buffers) before it stops reading the
 * shell. A few screens of `yes`; the integration test measures what it costs in memory.
 */
export const SERVER_BACKLOG_LIMIT_BYTES = 256 * 1024;

/** Where a terminal's output and end go (the socket layer emits terminal:output / terminal:exit). */
export interface TerminalSink {
  output(chunk: { data: string; bytes: number }): void;
  exit(info: { reason: string }): void;
  /** Bytes of output the server still holds for this client (socket/socket-backlog.ts). */
  unsentBytes?(): number;
}

export interface TerminalTarget {
  /** Identifies the learner's attempt (learner and level, see `attemptKeyOf`): one terminal per attempt. */
  attemptKey: string;
  namespace: string;
  pod: string;
}

interface LiveTerminal {
  socketId: string;
  attemptKey: string;
  target: TerminalTarget;
  /** Marks this attach's tmux client in the pod, to end it when the terminal closes. */
  attachToken: string;
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
  /** See SERVER_BACKLOG_LIMIT_BYTES. */
  serverBacklogLimit?: number;
  now?: () => number;
}

export class TerminalSessions {
  private readonly bySocket = new Map<string, LiveTerminal>();
  /** Opens in progress per socket; a newer open or a close makes an older one give up. */
  private readonly opening = new Map<string, symbol>();
  private readonly idleMs: number;
  private readonly unackedLimit: number;
  private readonly serverBacklogLimit: number;
  private readonly now: () => number;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Recordings still writing their last frames after their terminal closed. */
  private readonly closingRecordings = new Set<Promise<void>>();
  /** tmux clients of closed terminals being ended in their pods. */
  private readonly endingClients = new Set<Promise<void>>();

  constructor(private readonly opts: TerminalSessionOptions) {
    this.idleMs = opts.idleMs ?? 30 * 60_000;
    this.unackedLimit = opts.unackedLimit ?? LIMITS.terminalUnackedBytes;
    this.serverBacklogLimit = opts.serverBacklogLimit ?? SERVER_BACKLOG_LIMIT_BYTES;
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

    const attachToken = newAttachToken();
    let exec: InteractiveExec;
    try {
      exec = await this.opts.kube().execInteractive(target.namespace, target.pod, undefined, attachArgv(attachToken), size);
    } catch (err) {
      if (this.opening.get(socketId) === token) this.opening.delete(socketId);
      throw err;
    }
    if (this.opening.get(socketId) !== token) {
      // The socket closed or opened another terminal while this one connected.
      exec.close();
      this.endClient(target, attachToken);
      return;
    }
    this.opening.delete(socketId);

    const terminal: LiveTerminal = {
      socketId,
      attemptKey: target.attemptKey,
      target,
      attachToken,
      exec,
      sink,
      lastInputAt: this.now(),
      ended: false,
      recorder: record?.(),
      flow: new OutputFlowControl(
        this.unackedLimit,
        {
          pause: () => exec.stdout.pause(),
          resume: () => exec.stdout.resume(),
        },
        sink.unsentBytes ? { bytes: sink.unsentBytes, limit: this.serverBacklogLimit } : undefined,
      ),
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

  /**
   * The socket's terminal output flow as the server sees it: bytes sent since the open, bytes
   * not yet acknowledged, and whether output is paused (the exec is not being read). A test
   * waits for `paused` and for its client to have received `sentBytes` instead of watching the
   * output stay quiet for a while. Undefined when the socket has no terminal.
   */
  flowOf(socketId: string): { sentBytes: number; unackedBytes: number; paused: boolean } | undefined {
    const t = this.bySocket.get(socketId);
    if (!t || t.ended) return undefined;
    return { sentBytes: t.flow.sentBytes, unackedBytes: t.flow.unackedBytes, paused: t.flow.isPaused };
  }

  /** Closes the socket's terminal (tmux keeps the shell). `reason` is sent to the browser. */
  close(socketId: string, reason: string): void {
    this.opening.delete(socketId);
    const t = this.bySocket.get(socketId);
    if (t) this.end(t, reason);
  }

  /**
   * Closes this instance's terminal of one learner's attempt (e.g. before a reset), except the
   * one of `exceptSocketId`. Other instances close theirs when told (`terminal-closing`).
   */
  closeAttempt(attemptKey: string, reason: string, exceptSocketId?: string): void {
    for (const t of [...this.bySocket.values()]) if (t.attemptKey === attemptKey && t.socketId !== exceptSocketId) this.end(t, reason);
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
    this.closeExec(t);
  }

  private end(t: LiveTerminal, reason: string): void {
    if (t.ended) return;
    t.ended = true;
    if (this.bySocket.get(t.socketId) === t) this.bySocket.delete(t.socketId);
    this.closeExec(t);
    t.sink.exit({ reason });
  }

  /**
   * Closes the exec's connection and ends its tmux client in the pod, which the connection's
   * end alone leaves running. Also done when the exec ended by itself: a lost connection to the
   * cluster leaves the client too, and when the shell exited, the script finds nothing.
   */
  private closeExec(t: LiveTerminal): void {
    t.flow.stop();
    t.exec.close();
    this.closeRecording(t);
    this.endClient(t.target, t.attachToken);
  }

  private endClient(target: TerminalTarget, attachToken: string): void {
    // Through a promise: a failure to even reach the cluster must not break closing the terminal.
    const ending = Promise.resolve()
      .then(() => endTmuxClient(this.opts.kube(), target.namespace, target.pod, attachToken))
      .then(
        () => undefined,
        // The pod may be gone (reset, abandon): then so is the client.
        (err: unknown) => {
          const code = (err as { code?: string }).code;
          if (code !== "not-found" && code !== "pod-not-running") log.error({ err, namespace: target.namespace, pod: target.pod }, "ending the tmux client failed");
        },
      );
    this.endingClients.add(ending);
    void ending.finally(() => this.endingClients.delete(ending));
  }

  /** Resolves once the tmux clients of closed terminals are ended (before the server exits). */
  async clientsEnded(): Promise<void> {
    await Promise.all([...this.endingClients]);
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
