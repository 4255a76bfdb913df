// Two real `npm run cluster:up` started at the same moment against the running cluster (as two
// terminals, or `npm start` during `npm test`, would): both succeed, one waits for the other and
// says so, and the cluster is still the one the rest of the suite uses. The lock's behaviour with
// builds and kills is covered in seconds by cluster-kit/cluster-lock.test.ts.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { kubectl } from "../../cluster-kit/cluster";

function clusterUpProcess(): Promise<{ code: number | null; output: string; pid: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", "cluster-kit/cli.ts", "up"], {
    env: { ...process.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, output, pid: child.pid ?? 0 })));
}

describe("cluster:up run twice at once", () => {
  it("both succeed; the second waits for the first, naming it, and reuses its cluster", async () => {
    const nodeBefore = kubectl(["get", "nodes", "-o", "jsonpath={.items[0].metadata.uid}"]);
    const [a, b] = await Promise.all([clusterUpProcess(), clusterUpProcess()]);
    expect(a.code, a.output).toBe(0);
    expect(b.code, b.output).toBe(0);
    const waiters = [a, b].filter((r) => /waiting for another cluster:up \(pid \d+\)/.test(r.output));
    expect(waiters, `${a.output}\n---\n${b.output}`).toHaveLength(1);
    const waiter = waiters[0]!;
    const other = waiter === a ? b : a;
    expect(waiter.output).toContain(`(pid ${other.pid})`);
    // Neither recreated the cluster: the node is the same object.
    expect(kubectl(["get", "nodes", "-o", "jsonpath={.items[0].metadata.uid}"])).toBe(nodeBefore);
  });
});
