// The Kubernetes adapter against the real kind cluster: server-side apply (created /
// configured / unchanged, dry run), the immutable-field error and Recreate, schema errors,
// exec with exit codes and time bounds, the interactive TTY exec with resize and backpressure,
// and watches.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LEVEL_IMAGES } from "../../cluster-kit/kit-config";
import type { KubeObject } from "../../lib/levels/kube-object";
import { KubeError, type KubeAdapter, type WatchEvent } from "../../server/kubernetes/kube-adapter";
import { createKubeAdapter } from "../../server/kubernetes/kube-client";
import { testNamespaceLabels } from "../support/test-run-id";

/** Any image with a POSIX shell, `yes` and `stty`; the toolbox has them. */
const SHELL_IMAGE = process.env.KUBEQUEST_TEST_SHELL_IMAGE ?? LEVEL_IMAGES.find((i) => i.tag.startsWith("kubequest/toolbox"))!.tag;

const service = (spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "redis", labels: { app: "redis" } },
  spec: { selector: { app: "redis" }, ports: [{ name: "redis", port: 6379 }], ...spec },
});

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function rejection(p: Promise<unknown>): Promise<KubeError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KubeError);
  return err as KubeError;
}

describe("the Kubernetes adapter on the kind cluster", () => {
  let kube: KubeAdapter;
  const ns = `kqtest-adapter-${randomBytes(3).toString("hex")}`;

  beforeAll(async () => {
    kube = createKubeAdapter();
    await kube.ensureNamespace(ns, testNamespaceLabels());
    await kube.apply(ns, [
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "shell" },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{ name: "shell", image: SHELL_IMAGE, imagePullPolicy: "IfNotPresent", command: ["sleep", "infinity"] }],
        },
      },
    ]);
    await until("the shell pod to run", async () => (await kube.getPod(ns, "shell"))?.phase === "Running");
  });

  afterAll(async () => {
    await kube?.deleteNamespace(ns, { wait: false });
  });

  it("answers ping with the server version", async () => {
    expect((await kube.ping()).version).toMatch(/^v1\.\d+\.\d+/);
  });

  it("applies: created, then unchanged, then configured; a dry run changes nothing", async () => {
    expect(await kube.apply(ns, [service()])).toEqual([{ apiVersion: "v1", kind: "Service", name: "redis", action: "created" }]);
    expect((await kube.apply(ns, [service()]))[0]!.action).toBe("unchanged");
    const moved = service({ ports: [{ name: "redis", port: 6380 }] });
    expect((await kube.apply(ns, [moved], { dryRun: true }))[0]!.action).toBe("configured");
    expect((await kube.apply(ns, [service()], { dryRun: true }))[0]!.action).toBe("unchanged");
    expect((await kube.getService(ns, "redis"))!.ports[0]!.port).toBe(6379);
    expect((await kube.apply(ns, [moved]))[0]!.action).toBe("configured");
    expect((await kube.getService(ns, "redis"))!.ports[0]!.port).toBe(6380);
    expect((await kube.apply(ns, [service({ clusterIP: "None" })], { dryRun: true }).catch((e: unknown) => e)) as KubeError).toBeInstanceOf(KubeError);
  });

  it("forces the namespace: an object naming another namespace lands in ours", async () => {
    const cm: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "elsewhere", namespace: "default" }, data: { a: "b" } };
    expect((await kube.apply(ns, [cm]))[0]!.action).toBe("created");
    expect(await kube.deleteObject(ns, { apiVersion: "v1", kind: "ConfigMap", name: "elsewhere" }, { wait: true })).toBe(true);
    expect(await kube.deleteObject(ns, { apiVersion: "v1", kind: "ConfigMap", name: "elsewhere" })).toBe(false);
  });

  it("refuses a clusterIP change with immutable-field, and Recreate makes the Service headless", async () => {
    await kube.apply(ns, [service()], { force: true });
    const before = (await kube.getService(ns, "redis"))!;
    expect(before.clusterIP).not.toBe("None");

    const err = await rejection(kube.apply(ns, [service({ clusterIP: "None" })]));
    expect(err.code).toBe("immutable-field");
    expect(err.details.field).toBe("spec.clusterIP");
    expect(err.details.resource).toEqual({ apiVersion: "v1", kind: "Service", name: "redis" });
    expect(err.details.action).toMatch(/Recreate/);

    expect(await kube.recreate(ns, [service({ clusterIP: "None" })])).toEqual([
      { apiVersion: "v1", kind: "Service", name: "redis", action: "deleted" },
      { apiVersion: "v1", kind: "Service", name: "redis", action: "created" },
    ]);
    const after = (await kube.getService(ns, "redis"))!;
    expect(after.clusterIP).toBe("None");
    expect(after.uid).not.toBe(before.uid);
  });

  it("refuses to delete anything when a recreated object is invalid", async () => {
    const uid = (await kube.getService(ns, "redis"))!.uid;
    const err = await rejection(kube.recreate(ns, [service({ ports: [{ name: "redis", port: 0 }] })]));
    expect(err.code).toBe("invalid");
    expect((await kube.getService(ns, "redis"))!.uid).toBe(uid);
  });

  it("names unknown fields, bad values, unknown kinds and cluster-scoped kinds", async () => {
    const unknown = await rejection(kube.apply(ns, [service({ clusterIp: "None" })], { dryRun: true }));
    expect(unknown.code).toBe("invalid");
    expect(unknown.details.field).toBe("spec.clusterIp");

    const badPort = await rejection(kube.apply(ns, [service({ ports: [{ port: 70000 }] })], { dryRun: true }));
    expect(badPort.code).toBe("invalid");
    expect(badPort.details.causes?.map((c) => c.field)).toContain("spec.ports[0].port");

    const kind = await rejection(kube.apply(ns, [{ apiVersion: "v1", kind: "StatefulSet", metadata: { name: "x" } }]));
    expect(kind.code).toBe("invalid");
    expect(kind.message).toMatch(/no kind StatefulSet in apiVersion v1/);

    const scoped = await rejection(kube.apply(ns, [{ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "x" } }]));
    expect(scoped.code).toBe("cluster-scoped");
  });

  it("runs argv with exec and reports exit codes, stderr and timeouts", async () => {
    expect(await kube.exec(ns, "shell", undefined, ["sh", "-c", "echo out; echo err >&2; exit 3"])).toEqual({ stdout: "out\n", stderr: "err\n", exitCode: 3 });
    expect((await kube.exec(ns, "shell", "shell", ["echo", "$HOME; rm -rf /"])).stdout).toBe("$HOME; rm -rf /\n");
    const slow = await kube.exec(ns, "shell", undefined, ["sleep", "30"], { timeoutMs: 1000 });
    expect(slow.exitCode).toBeNull();
    expect(slow.stderr).toMatch(/timed out after 1000 ms/);
    const missing = await rejection(kube.exec(ns, "no-such-pod", undefined, ["true"]));
    expect(missing.code).toBe("not-found");
  });

  it("runs an interactive TTY exec: echo, resize, exit code", async () => {
    const term = await kube.execInteractive(ns, "shell", undefined, ["sh"], { cols: 80, rows: 24 });
    let out = "";
    term.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
    term.stdin.write("echo kq-$((40+2))\n");
    await until("the echo", async () => out.includes("kq-42"), 20_000);
    // The first size travels apart from the typing too: ask until the shell reports it.
    await until(
      "the first size",
      async () => {
        if (out.includes("24 80")) return true;
        term.stdin.write("stty size\n");
        const asked = Date.now();
        while (!out.includes("24 80") && Date.now() - asked < 1000) await new Promise((r) => setTimeout(r, 50));
        return out.includes("24 80");
      },
      20_000,
    );
    term.resize(120, 40);
    // The resize and the typing travel separately to the container: ask the shell for its
    // size until it reports the new one (once a second: the pace of the question).
    await until(
      "the new size",
      async () => {
        if (out.includes("40 120")) return true;
        term.stdin.write("stty size\n");
        const asked = Date.now();
        while (!out.includes("40 120") && Date.now() - asked < 1000) await new Promise((r) => setTimeout(r, 50));
        return out.includes("40 120");
      },
      20_000,
    );
    term.stdin.write("exit 7\n");
    expect(await term.closed).toEqual({ reason: "the shell exited with code 7" });
  });

  it("stops reading the exec while its output is paused, so `yes` cannot fill memory", async () => {
    const term = await kube.execInteractive(ns, "shell", undefined, ["yes"], { cols: 80, rows: 24 });
    let received = 0;
    term.stdout.on("data", (d: Buffer) => (received += d.length));
    await until("output", async () => received > 100_000, 20_000);
    term.stdout.pause();
    const atPause = received;
    // The positive signal: the adapter stopped reading the connection (its buffer is full), so
    // the API server, kubelet and the process are held back; nothing buffers beyond this point.
    await until("the adapter to stop reading the exec", async () => term.readingPaused?.(), 20_000);
    // What sits in the stream is bounded by its buffer plus one websocket frame.
    expect(term.stdout.readableLength).toBeLessThan(1024 * 1024);
    expect(received).toBe(atPause);
    term.stdout.resume();
    await until("output after resume", async () => received > atPause + 100_000, 20_000);
    term.close();
    expect((await term.closed).reason).toBe("closed");
  });

  it("watches Services and pods: added, modified, deleted", async () => {
    const events: WatchEvent[] = [];
    const stop = kube.watch(ns, ["Service", "Pod"], (e) => events.push(e));
    try {
      // The watch starts with the objects already there.
      await until("the initial ADDED events", async () => events.some((e) => e.kind === "Pod" && e.name === "shell" && e.type === "ADDED"), 20_000);
      const web: KubeObject = { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { ports: [{ port: 80 }] } };
      await kube.apply(ns, [web]);
      await until("ADDED web", async () => events.some((e) => e.kind === "Service" && e.name === "web" && e.type === "ADDED"), 20_000);
      await kube.apply(ns, [{ ...web, metadata: { name: "web", labels: { tier: "front" } } }]);
      await until("MODIFIED web", async () => events.some((e) => e.name === "web" && e.type === "MODIFIED"), 20_000);
      await kube.deleteObject(ns, { apiVersion: "v1", kind: "Service", name: "web" });
      await until("DELETED web", async () => events.some((e) => e.name === "web" && e.type === "DELETED"), 20_000);
    } finally {
      stop();
    }
    const count = events.length;
    // A second watch, still running, sees the Service made after the first one stopped: the
    // event was sent, and the stopped watch did not pass it on.
    const control: WatchEvent[] = [];
    const stopControl = kube.watch(ns, ["Service"], (e) => control.push(e));
    try {
      await kube.apply(ns, [{ apiVersion: "v1", kind: "Service", metadata: { name: "after-stop" }, spec: { ports: [{ port: 80 }] } }]);
      await until("the control watch to see after-stop", async () => control.some((e) => e.name === "after-stop" && e.type === "ADDED"), 20_000);
    } finally {
      stopControl();
    }
    expect(events.length).toBe(count);
    expect(events.some((e) => e.name === "after-stop")).toBe(false);
  });

  it("lists pods with kubectl's status column and EndpointSlices of a Service", async () => {
    const pods = await kube.listPods(ns);
    const shell = pods.find((p) => p.name === "shell")!;
    expect(shell).toMatchObject({ phase: "Running", status: "Running", ready: true, restarts: 0, deleting: false });
    expect(shell.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    await kube.apply(ns, [
      { apiVersion: "v1", kind: "Service", metadata: { name: "shell" }, spec: { clusterIP: "None", selector: { run: "shell" }, ports: [{ port: 80 }] } },
    ]);
    const slices = await until("an EndpointSlice for Service shell", async () => {
      const s = await kube.listEndpointSlices(ns, "shell");
      return s.length > 0 ? s : undefined;
    });
    expect(slices[0]!.serviceName).toBe("shell");
    expect(await kube.getPod(ns, "nobody")).toBeNull();
    expect(await kube.getStatefulSet(ns, "nothing")).toBeNull();
  });

  it("deletes a namespace and waits until it is gone", async () => {
    const scratch = `kqtest-ns-${randomBytes(3).toString("hex")}`;
    await kube.ensureNamespace(scratch, testNamespaceLabels());
    expect((await kube.listNamespaces("kubequest.dev/test=true")).map((n) => n.name)).toContain(scratch);
    await kube.deleteNamespace(scratch, { wait: true, timeoutMs: 120_000 });
    expect((await kube.listNamespaces("kubequest.dev/test=true")).map((n) => n.name)).not.toContain(scratch);
  });
});
