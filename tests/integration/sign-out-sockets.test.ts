// Signing out and deleting an account end that person's live connections: the signed-out
// session's sockets are disconnected and their terminal closed (with the reason on screen and
// the tmux client gone from the pod), while the same account's other device stays; deleting
// the account then disconnects every remaining socket of it. Real server, real cluster.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EnvironmentStatus } from "../../lib/protocol/socket-events";
import type { KubeAdapter } from "../../server/kubernetes/kube-adapter";
import { createKubeAdapter } from "../../server/kubernetes/kube-client";
import { ask, connected, nextEvent, startTestServer, type TestBrowser, type TestServer, type TestSocket } from "./support/test-server";

const LEVEL = "headless-statefulset-dns";
const PASSWORD = "correct horse battery staple";
// Made in beforeAll, not at load: npm test lists this file's tests before the cluster exists.
let kube: KubeAdapter;
beforeAll(() => {
  kube = createKubeAdapter();
});
let server: TestServer;
let namespace: string | undefined;

beforeAll(async () => {
  server = await startTestServer({ name: "kq-sign-out-" });
});

afterAll(async () => {
  await server?.close();
  if (namespace) await kube.deleteNamespace(namespace, { wait: false }).catch(() => undefined);
});

const disconnected = (s: TestSocket, timeoutMs = 10_000): Promise<string> =>
  new Promise((resolve, reject) => {
    if (!s.connected) return resolve("already");
    const timer = setTimeout(() => reject(new Error("still connected")), timeoutMs);
    s.once("disconnect", (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });

async function tmuxClientsIn(ns: string): Promise<string[]> {
  // The process name tells tmux's client from its server; both keep their first command line.
  const out = await kube.exec(ns, "toolbox", undefined, ["ps", "-eo", "comm="]);
  return out.stdout.split("\n").filter((l) => l.startsWith("tmux: client"));
}

describe("sign-out and account deletion", () => {
  let laptop: TestBrowser;
  let phone: TestBrowser;
  let laptopSocket: TestSocket;
  let phoneSocket: TestSocket;
  const username = `so${Date.now().toString(36)}`;

  it("sign-out disconnects that session's sockets and closes their terminal, and no other device's", async () => {
    laptop = await server.browser();
    expect((await laptop.call("POST", "/api/auth/sign-up", { username, password: PASSWORD, displayName: "Sign Out" })).status).toBe(201);
    phone = await server.browser();
    expect((await phone.call("POST", "/api/auth/sign-in", { username, password: PASSWORD })).status).toBe(200);
    laptopSocket = server.socket({ cookie: laptop.cookie });
    phoneSocket = server.socket({ cookie: phone.cookie });
    await Promise.all([connected(laptopSocket), connected(phoneSocket)]);

    const started = await ask<EnvironmentStatus>(laptopSocket, "level:start", { levelId: LEVEL });
    expect(started).toMatchObject({ ok: true, value: { phase: "ready" } });
    namespace = started.ok ? started.value.namespace! : undefined;
    const firstOutput = nextEvent(laptopSocket, "terminal:output", () => true, 30_000);
    expect(await ask(laptopSocket, "terminal:open", { levelId: LEVEL, cols: 80, rows: 24 }, 30_000)).toMatchObject({ ok: true });
    await firstOutput;
    expect(server.kq.services.terminals.size).toBe(1);

    const exit = nextEvent(laptopSocket, "terminal:exit");
    const gone = disconnected(laptopSocket);
    expect((await laptop.call("POST", "/api/auth/sign-out")).status).toBe(200);
    expect(await exit).toEqual({ reason: "You signed out, so this terminal was closed." });
    expect(await gone).toBe("io server disconnect");
    expect(server.kq.services.terminals.size).toBe(0);
    // The other device is still connected and still answered.
    expect(phoneSocket.connected).toBe(true);
    expect(await ask(phoneSocket, "level:open", { levelId: LEVEL })).toMatchObject({ ok: true, value: { phase: "ready", namespace } });
    // The closed terminal's tmux client is gone from the pod.
    const deadline = Date.now() + 20_000;
    let clients = await tmuxClientsIn(namespace!);
    while (clients.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      clients = await tmuxClientsIn(namespace!);
    }
    expect(clients).toEqual([]);
  });

  it("account deletion disconnects every socket of that account and closes its terminal", async () => {
    const firstOutput = nextEvent(phoneSocket, "terminal:output", () => true, 30_000);
    expect(await ask(phoneSocket, "terminal:open", { levelId: LEVEL, cols: 80, rows: 24 }, 30_000)).toMatchObject({ ok: true });
    await firstOutput;
    const second = server.socket({ cookie: phone.cookie });
    await connected(second);
    const exit = nextEvent(phoneSocket, "terminal:exit");
    const gone = Promise.all([disconnected(phoneSocket), disconnected(second)]);
    expect((await phone.call("DELETE", "/api/profile", { confirmUsername: username })).status).toBe(200);
    expect(await exit).toEqual({ reason: "Your account was deleted, so this terminal was closed." });
    expect(await gone).toEqual(["io server disconnect", "io server disconnect"]);
    expect(server.kq.services.terminals.size).toBe(0);
  });
});
