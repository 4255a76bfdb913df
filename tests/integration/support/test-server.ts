/**
 * The KubeQuest server as integration tests run it: the real custom server on a loopback port
 * with its own throwaway data directory and SQLite database (or the database a test passes),
 * the real cluster behind it, and a plain-text page in place of Next (no build needed).
 *
 * With it come the two clients a browser would be: `TestBrowser` (one cookie jar, the CSRF
 * token, our Origin) for the HTTP API, and typed socket.io clients bound to its session.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { io as connect, type Socket } from "socket.io-client";
import { SessionHttpClient } from "../../../lib/api-client/session-http-client";
import type { SessionInfo } from "../../../lib/protocol/account-api";
import type { Result } from "../../../lib/protocol/socket-events";
import type { ClientToServerEvents, ServerToClientEvents } from "../../../lib/protocol/socket-event-maps";
import { openDatabase, type DatabaseHandle } from "../../../server/database/database";
import { startKubeQuestServer, type KubeQuestServer, type KubeQuestServerOptions } from "../../../server/kubequest-server";
import { SessionSigner, loadSessionSecret } from "../../../server/session/anonymous-session";

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestServer {
  kq: KubeQuestServer;
  database: DatabaseHandle;
  signer: SessionSigner;
  dataDir: string;
  /** The server's own origin (what a KubeQuest page sends). */
  origin: string;
  /** A browser with a fresh anonymous session. */
  browser(): Promise<TestBrowser>;
  /** A socket.io client with the given cookie (default: none); connected unless `connect: false`. */
  socket(opts?: { cookie?: string; origin?: string; transports?: ("websocket" | "polling")[] }): TestSocket;
  /** Disconnects every socket, closes the server and database, deletes the data directory. */
  close(): Promise<void>;
}

export type TestServerOptions = Partial<Omit<KubeQuestServerOptions, "port" | "host" | "signer" | "handle">> & {
  /** Prefix of the temporary data directory, e.g. "kq-accounts-". */
  name: string;
};

export async function startTestServer(opts: TestServerOptions): Promise<TestServer> {
  const { name, database: given, ...rest } = opts;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), name));
  const signer = new SessionSigner(loadSessionSecret({ sessionSecret: undefined, dataDir }));
  const database = given ?? (await openDatabase({ dataDir }));
  const dropOwn = async (): Promise<void> => {
    if (!given) await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  // A server that refuses to start (a test of that) leaves no database or directory behind.
  const kq = await startKubeQuestServer({
    port: 0,
    host: "127.0.0.1",
    signer,
    handle: async (_req, res) => {
      res.setHeader("content-type", "text/plain");
      res.end("page");
    },
    database,
    // The cluster is shared by every test file (and, on a development machine, by other runs):
    // the installation's cap would count their environments too. Tests of the cap set their own.
    maxEnvironments: 100,
    ...rest,
  }).catch(async (err: unknown) => {
    await dropOwn();
    throw err;
  });
  const sockets: TestSocket[] = [];
  const server: TestServer = {
    kq,
    database,
    signer,
    dataDir,
    origin: kq.url,
    async browser() {
      const b = new TestBrowser(kq.url);
      await b.session();
      return b;
    },
    socket(socketOpts = {}) {
      const headers: Record<string, string> = {};
      if (socketOpts.cookie) headers.cookie = socketOpts.cookie;
      if (socketOpts.origin) headers.origin = socketOpts.origin;
      const socket: TestSocket = connect(kq.url, {
        transports: socketOpts.transports ?? ["websocket"],
        extraHeaders: headers,
        reconnection: false,
        forceNew: true,
      });
      sockets.push(socket);
      return socket;
    },
    async close() {
      for (const s of sockets) s.disconnect();
      await kq.close();
      await dropOwn();
    },
  };
  return server;
}

/** A browser in miniature: one session cookie, the session's CSRF token, our Origin. */
export class TestBrowser extends SessionHttpClient {
  async session(): Promise<SessionInfo> {
    return (await this.call<SessionInfo>("GET", "/api/session")).json;
  }
}

/** Resolves once the socket connected; rejects with the handshake's refusal. */
export function connected(socket: TestSocket): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", (err) => reject(err));
  });
}

/** Emits with an acknowledgement; socket.io's typed emit cannot take a computed event name. */
export function ask<T>(socket: TestSocket, event: keyof ClientToServerEvents, payload: unknown, timeoutMs = 300_000): Promise<Result<T>> {
  return (socket.timeout(timeoutMs) as unknown as { emitWithAck(e: string, p: unknown): Promise<Result<T>> }).emitWithAck(event, payload);
}

/** The next `event` the socket receives that satisfies `match`, or a rejection after `timeoutMs`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: TestSocket,
  event: E,
  match: (...args: Parameters<ServerToClientEvents[E]>) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const on = socket as unknown as { on(e: string, fn: (...a: unknown[]) => void): void; off(e: string, fn: (...a: unknown[]) => void): void };
    const timer = setTimeout(() => {
      on.off(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: unknown[]) => {
      if (!match(...(args as Parameters<ServerToClientEvents[E]>))) return;
      clearTimeout(timer);
      on.off(event, listener);
      resolve(args[0] as Parameters<ServerToClientEvents[E]>[0]);
    };
    on.on(event, listener);
  });
}
