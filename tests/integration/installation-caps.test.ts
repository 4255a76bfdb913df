// The installation's caps on the real server: a full installation refuses the next start with
// its message and each learner's place in the queue, and one address can mint only so many
// sessions and start only so many levels. The cap counts the real cluster's environments;
// with a cap of 0 the refusal does not depend on what other tests run on the shared cluster.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EnvironmentStatus, Result } from "../../lib/protocol/socket-events";
import { createKubeAdapter } from "../../server/kubernetes/kube-client";
import { SESSION_COOKIE } from "../../server/session/anonymous-session";
import { ask, connected, startTestServer, type TestServer } from "./support/test-server";

const LEVEL = "headless-statefulset-dns";
let server: TestServer;
/** Namespaces a start built after all (only when the cap is broken): deleted at the end. */
const built: string[] = [];
const start = async (socket: Parameters<typeof ask>[0]): Promise<Result<EnvironmentStatus>> => {
  const result = await ask<EnvironmentStatus>(socket, "level:start", { levelId: LEVEL });
  if (result.ok && result.value.namespace) built.push(result.value.namespace);
  return result;
};

beforeAll(async () => {
  server = await startTestServer({
    name: "kq-caps-",
    maxEnvironments: 0,
    perIpLimits: { newSessions: 4, levelStarts: 2, windowMs: 10 * 60_000 },
  });
});

afterAll(async () => {
  await server?.close();
  const kube = createKubeAdapter();
  for (const ns of built) await kube.deleteNamespace(ns, { wait: false }).catch(() => undefined);
});

async function newCookie(): Promise<string> {
  const res = await fetch(`${server.kq.url}/`);
  expect(res.status).toBe(200);
  return `${SESSION_COOKIE}=${new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(res.headers.get("set-cookie") ?? "")![1]}`;
}

describe("installation caps", () => {
  it("refuses a start on a full installation with the queue position; a learner keeps their place", async () => {
    const [a, b] = [server.socket({ cookie: await newCookie() }), server.socket({ cookie: await newCookie() })];
    await Promise.all([connected(a), connected(b)]);
    const first = await start(a);
    expect(first).toEqual({
      ok: false,
      error: {
        code: "installation-full",
        message: expect.stringMatching(/^The installation is full: \d+ of 0 environments are running\. You are number 1 in the queue\.$/),
        action: expect.stringMatching(/^Try again in [1-5] minutes?; your place is kept/),
      },
    });
    expect(await start(b)).toMatchObject({ ok: false, error: { message: expect.stringContaining("You are number 2 in the queue.") } });
    // The third start from this address is over the per-address limit, whoever asks.
    expect(await start(a)).toMatchObject({
      ok: false,
      error: { code: "rate-limited", message: "Too many levels were started from your network address in a short time.", action: expect.stringMatching(/^Wait \d+ minutes?, then start the level again\.$/) },
    });
    expect(await start(b)).toMatchObject({ ok: false, error: { code: "rate-limited" } });
  });

  it("limits new sessions per address, saying what to do; a visitor with a session is not affected", async () => {
    // Two sessions were minted above; two more fit.
    const kept = await newCookie();
    await newCookie();
    const refused = await fetch(`${server.kq.url}/`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("set-cookie")).toBeNull();
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.text()).toMatch(/^Too many new visitors from your network address in a short time\.\nWait \d+ minutes?, then reload the page\./);
    const api = await fetch(`${server.kq.url}/api/session`);
    expect(api.status).toBe(429);
    expect(await api.json()).toMatchObject({ error: { code: "rate-limited", action: expect.stringContaining("KUBEQUEST_NEW_SESSIONS_PER_IP") } });
    const withSession = await fetch(`${server.kq.url}/`, { headers: { cookie: kept } });
    expect(withSession.status).toBe(200);
  });
});
