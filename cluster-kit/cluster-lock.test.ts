// The cluster lock with real processes, a real flock and the real cached-step runner (only the
// steps are fake): two builders started at once build each step once, the second waits and says
// for whom; a builder killed mid-step leaves nothing that counts as cached and no lock behind.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const fixture = path.join(import.meta.dirname, "test-fixtures", "fake-kit-build.ts");
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; output: string }>;
}

function startBuilder(root: string, env: Record<string, string>): Run {
  const child = spawn(process.execPath, ["--import", "tsx", fixture], {
    env: {
      ...process.env,
      KUBEQUEST_KIT_CACHE: path.join(root, "kit"),
      LOCK_FILE: path.join(root, "cluster-up.lock"),
      BUILD_LOG: path.join(root, "builds.log"),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  const done = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, output })),
  );
  return { child, done };
}

const builds = (root: string) =>
  existsSync(path.join(root, "builds.log")) ? readFileSync(path.join(root, "builds.log"), "utf8").trim().split("\n") : [];

async function until(what: string, ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("cluster lock", () => {
  it("two builders started at the same moment both succeed and build each step once", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "kq-lock-"));
    dirs.push(root);
    const env = { STEPS: "alpha,beta", STEP_MS: "800" };
    const a = startBuilder(root, env);
    const b = startBuilder(root, env);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect(ra.code, ra.output).toBe(0);
    expect(rb.code, rb.output).toBe(0);

    // Each step was built exactly once, by one of the two.
    const lines = builds(root);
    expect(lines.map((l) => l.split(" ")[0]).sort()).toEqual(["alpha", "beta"]);
    const builder = Number(lines[0]!.split(" ")[1]);
    expect(lines.every((l) => Number(l.split(" ")[1]) === builder)).toBe(true);

    // The other one waited, said for whom and on which step, then found both steps cached.
    const waiter = builder === a.child.pid ? rb : ra;
    expect(waiter.output).toMatch(new RegExp(`waiting for another cluster:up \\(pid ${builder}\\) — step (starting|alpha|beta)`));
    expect(waiter.output).toMatch(/alpha: cached/);
    expect(waiter.output).toMatch(/beta: cached/);
    for (const step of ["alpha", "beta"]) {
      expect(readFileSync(path.join(root, "kit", step, "output"), "utf8")).toBe("done");
    }
  }, 60_000);

  it("a builder killed mid-step leaves no cached half-step and no lock behind", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "kq-lock-"));
    dirs.push(root);
    const killed = startBuilder(root, { STEPS: "alpha", STEP_MS: "60000" });
    await until("the step to start", () => builds(root).length === 1);
    killed.child.kill("SIGKILL");
    await killed.done;

    // Nothing in the cache counts as built: no step directory, only the dead builder's partial one.
    const kit = path.join(root, "kit");
    expect(existsSync(path.join(kit, "alpha"))).toBe(false);
    expect(readdirSync(kit).filter((e) => e.startsWith("alpha.partial-"))).toHaveLength(1);

    // The kernel dropped the lock with its holder: the next builder neither waits nor skips the step.
    const started = Date.now();
    const next = startBuilder(root, { STEPS: "alpha", STEP_MS: "100" });
    const result = await next.done;
    expect(result.code, result.output).toBe(0);
    expect(result.output).not.toMatch(/waiting for another cluster:up/);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(builds(root)).toHaveLength(2);
    expect(readFileSync(path.join(kit, "alpha", "output"), "utf8")).toBe("done");
    expect(readFileSync(path.join(kit, "alpha", ".kit-key"), "utf8").trim()).toBe("fake-key-1");
    expect(readdirSync(kit).filter((e) => e.includes(".partial"))).toEqual([]);
  }, 60_000);
});
