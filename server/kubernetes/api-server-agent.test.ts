// The shared API agent against node-fetch 2.7 (what @kubernetes/client-node 1.4 sends through),
// on a real local HTTP server answering in chunks as the API server does for large lists: a
// capped keep-alive agent (the old setting) loses complete bodies to "Premature close" under a
// burst; the agent we use does not.
import http from "node:http";
import type { AddressInfo } from "node:net";
import fetch from "node-fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiServerAgentOptions } from "./api-server-agent";

// A list answer past Go's 2 KiB buffer: sent chunked, without Content-Length.
const LIST = JSON.stringify({ kind: "EndpointSliceList", items: Array.from({ length: 60 }, (_, i) => ({ name: `slice-${i}`, pad: "x".repeat(80) })) });

let server: http.Server;
let url = "";

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    // Two writes a moment apart, like a server streaming a list out.
    setTimeout(() => {
      res.write(LIST.slice(0, 1000));
      setTimeout(() => res.end(LIST.slice(1000)), Math.random() * 3);
    }, Math.random() * 3);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/apis/discovery.k8s.io/v1/endpointslices`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** Bursts of `burst` requests at once, `rounds` times; the failures' messages. */
async function bursts(agent: http.Agent, burst: number, rounds: number, stopAtFirstFailure = false): Promise<string[]> {
  const failures: string[] = [];
  for (let round = 0; round < rounds; round++) {
    await Promise.all(
      Array.from({ length: burst }, async () => {
        try {
          const res = await fetch(url, { agent });
          JSON.parse(await res.text());
        } catch (err) {
          failures.push((err as Error).message);
        }
      }),
    );
    if (stopAtFirstFailure && failures.length > 0) break;
  }
  return failures;
}

describe("the shared Kubernetes API agent", () => {
  it("never queues requests, keeps idle sockets alive, and closes them before the server would", () => {
    const options = apiServerAgentOptions({ ca: "CA" });
    expect(options).toMatchObject({ ca: "CA", keepAlive: true, maxSockets: Infinity });
    expect(options.maxFreeSockets).toBeGreaterThan(0);
    expect(options.timeout).toBeLessThanOrEqual(60_000);
  });

  it("reads every body whole when 60 requests arrive at once, 40 times over", async () => {
    const agent = new http.Agent(apiServerAgentOptions({}));
    try {
      expect(await bursts(agent, 60, 40)).toEqual([]);
    } finally {
      agent.destroy();
    }
  }, 60_000);

  it("(the cause) a capped keep-alive agent loses complete bodies to node-fetch's premature-close check", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    try {
      const failures = await bursts(agent, 60, 200, true);
      expect(failures.length).toBeGreaterThan(0);
      expect(failures[0]).toMatch(/Invalid response body while trying to fetch .*: Premature close/);
    } finally {
      agent.destroy();
    }
  }, 60_000);
});
