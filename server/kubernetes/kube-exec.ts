/**
 * Running commands inside a pod: one-shot exec (output collected, bounded, timed) for graders
 * and probes, and the interactive terminal with resize and backpressure. Kept apart from the
 * other API calls, as @kubernetes/client-node keeps Exec apart: it speaks a websocket, not REST,
 * and owns its streams.
 *
 * Node only.
 */
import { PassThrough, Writable } from "node:stream";
import { Exec, type KubeConfig } from "@kubernetes/client-node";
import type WebSocket from "ws";
import { KubeError, type ExecResult, type InteractiveExec, type KubeAdapter, type ObjectRef } from "./kube-adapter";
import { toKubeError } from "./kube-errors";
import { parseExecStatus, type ExecStatusResult } from "./exec-status";

/** Output an exec may collect per stream; graders and probes print a few KiB. */
const MAX_EXEC_OUTPUT_BYTES = 1024 * 1024;
/** Output buffered for a paused terminal before the websocket stops being read. */
const TERMINAL_BUFFER_BYTES = 64 * 1024;

/** Collects an exec stream, keeping at most `limit` bytes so a chatty command cannot fill memory. */
class OutputCollector extends Writable {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly limit: number) {
    super();
    // Exec ends the stream on the status message; a late frame must not crash the process.
    this.on("error", () => undefined);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    const room = this.limit - this.size;
    if (room > 0) {
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      this.chunks.push(Buffer.from(part));
      this.size += part.length;
    }
    if (chunk.length > room) this.truncated = true;
    done();
  }

  text(): string {
    const text = Buffer.concat(this.chunks).toString("utf8");
    return this.truncated ? `${text}\n[output truncated after ${this.limit} bytes]` : text;
  }
}

/**
 * The terminal's output stream, with the `rows`/`columns` and "resize" event that client-node's
 * Exec looks for (isResizable) to send terminal sizes on the resize channel.
 */
class ResizableOutput extends PassThrough {
  rows: number;
  columns: number;

  constructor(size: { cols: number; rows: number }) {
    super({ highWaterMark: TERMINAL_BUFFER_BYTES });
    this.rows = size.rows;
    this.columns = size.cols;
  }

  resize(cols: number, rows: number): void {
    this.columns = cols;
    this.rows = rows;
    this.emit("resize");
  }
}

function waitForClose(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === ws.CLOSED) resolve();
    else ws.once("close", () => resolve());
  });
}

/** The KubeAdapter methods this file implements (kube-client.ts forwards them here). */
export const EXEC_METHODS = ["exec", "execInteractive"] as const;

/** The adapter's exec and execInteractive, over client-node's Exec. */
export class KubeExec implements Pick<KubeAdapter, (typeof EXEC_METHODS)[number]> {
  private readonly execClient: Exec;

  constructor(kc: KubeConfig) {
    this.execClient = new Exec(kc);
  }

  /** Opens an exec websocket; failures of the handshake become KubeErrors naming the pod. */
  private async openExec(
    namespace: string,
    pod: string,
    container: string | undefined,
    argv: string[],
    streams: { stdout: Writable; stderr: Writable | null; stdin: PassThrough | null; tty: boolean },
    onStatus: (s: ExecStatusResult) => void,
  ): Promise<WebSocket> {
    const podRef: ObjectRef = { apiVersion: "v1", kind: "Pod", name: pod };
    try {
      return await this.execClient.exec(namespace, pod, container ?? "", argv, streams.stdout, streams.stderr, streams.stdin, streams.tty, (status) =>
        onStatus(parseExecStatus(status)),
      );
    } catch (err) {
      const mapped = toKubeError(err, { operation: `exec into pod ${pod}`, resource: podRef });
      if (mapped.details.status === 404) {
        throw new KubeError("not-found", `Pod ${pod} was not found in namespace ${namespace}.`, { ...mapped.details, action: "Start or reset the level to create it again." });
      }
      if (mapped.details.status === 400) {
        // The API server answers 400 both for a pod that is not running and for an unknown container.
        const what = container ? `Pod ${pod} is not running or has no container ${container}` : `Pod ${pod} is not running`;
        throw new KubeError("pod-not-running", `${what}, so nothing can run inside it yet.`, {
          ...mapped.details,
          action: `Wait until kubectl get pod ${pod} shows Running, then try again.`,
        });
      }
      throw mapped;
    }
  }

  async exec(namespace: string, pod: string, container: string | undefined, argv: string[], opts: { timeoutMs?: number; maxOutputBytes?: number } = {}): Promise<ExecResult> {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const outputLimit = Math.min(opts.maxOutputBytes ?? MAX_EXEC_OUTPUT_BYTES, MAX_EXEC_OUTPUT_BYTES);
    const stdout = new OutputCollector(outputLimit);
    const stderr = new OutputCollector(outputLimit);
    let status: ExecStatusResult | undefined;
    const ws = await this.openExec(namespace, pod, container, argv, { stdout, stderr, stdin: null, tty: false }, (s) => {
      status = s;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ws.terminate();
    }, timeoutMs);
    await waitForClose(ws);
    clearTimeout(timer);
    let errText = stderr.text();
    if (timedOut) errText += `${errText ? "\n" : ""}[timed out after ${timeoutMs} ms]`;
    else if (status?.failure) errText += `${errText ? "\n" : ""}${status.failure}`;
    return { stdout: stdout.text(), stderr: errText, exitCode: timedOut ? null : (status?.exitCode ?? null) };
  }

  async execInteractive(
    namespace: string,
    pod: string,
    container: string | undefined,
    argv: string[],
    size: { cols: number; rows: number },
  ): Promise<InteractiveExec> {
    const output = new ResizableOutput(size);
    output.on("error", () => undefined);
    const input = new PassThrough();
    let status: ExecStatusResult | undefined;
    let closedByUs = false;
    const ws = await this.openExec(namespace, pod, container, argv, { stdout: output, stderr: null, stdin: input, tty: true }, (s) => {
      status = s;
    });

    // Backpressure: Exec writes every frame into `output` and ignores write()'s answer. When the
    // consumer stops reading, `output` fills up; then the websocket stops being read, TCP
    // pushes back to the API server and kubelet, and the process blocks on its terminal.
    let paused = false;
    ws.on("message", () => {
      if (!paused && output.writableNeedDrain) {
        paused = true;
        ws.pause();
        output.once("drain", () => {
          paused = false;
          ws.resume();
        });
      }
    });

    const closed = waitForClose(ws).then(() => {
      input.destroy();
      if (!output.writableEnded) output.end();
      if (closedByUs) return { reason: "closed" };
      if (status?.exitCode !== undefined && status.exitCode !== null) {
        return { reason: status.exitCode === 0 ? "the shell exited" : `the shell exited with code ${status.exitCode}` };
      }
      if (status?.failure) return { reason: status.failure };
      return { reason: "the connection to the cluster was lost" };
    });

    return {
      stdin: input,
      stdout: output,
      resize: (cols, rows) => output.resize(cols, rows),
      readingPaused: () => paused,
      close: () => {
        if (ws.readyState === ws.CLOSED) return;
        closedByUs = true;
        ws.close();
        // A server that never answers the close frame must not keep the exec alive.
        setTimeout(() => ws.terminate(), 2_000).unref();
      },
      closed,
    };
  }
}
