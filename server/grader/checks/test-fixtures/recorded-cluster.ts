/**
 * A Level 30 namespace answered from recordings, for the checks' unit tests: no cluster.
 *
 * The fake is the KubeAdapter, nothing above it. A real GradeContext reads it (so snapshots
 * are built by the grader's own code), its objects go through the adapter's real mappers, and
 * the grader's real probe runner asks its probe agent through it (podProxy): the fake answers
 * each request with one JSON line, field for field as kubequest-probe (images/toolbox/probe)
 * prints it, made from recorded tool outputs. Every argv the probe was run with is kept, so a test can tell what
 * the check asked for as well as what it concluded.
 */
import type { EndpointSliceInfo, ExecResult, KubeAdapter, PodInfo, ServiceInfo, StatefulSetInfo } from "../../../kubernetes/kube-adapter";
import { byName, toDeploymentInfo, toEndpointSliceInfo, toPodInfo, toServiceInfo, toStatefulSetInfo } from "../../../kubernetes/kube-object-mappers";
import { loadLevelCatalog, type LoadedLevel } from "../../../levels/level-catalog";
import { GradeContext } from "../../grade-context";
import { GRADER_NAMESPACE } from "../../probe-pod";
import { COLLECTOR_CONTAINER, COLLECTOR_NAME, COLLECTOR_SELECTOR } from "../../../node-rules/node-rules-collector";
import { planChecks } from "../check-library";
import type { CheckOutcome, CheckImplementation, CheckSpecOf } from "../check-types";
import { digProbeLine, nxdomainSrv } from "./dig-recordings";
import { probeAgentFake, probePodFake } from "./probe-agent-fake";
import { connectionRefused, NS, nslookupNxdomain, type NamespaceObjects, type ProbeWorld } from "./level-30-recordings";

export interface RecordedCluster {
  /** The namespace's objects; a function is asked again on each read (pods change while a check waits). */
  objects: NamespaceObjects | ((read: number) => NamespaceObjects);
  probe?: ProbeWorld;
  /** Every list call of the namespace fails with this (the API server erring). */
  readFailure?: Error;
  /** The probe ends like this instead of answering (exit code null: the pod killed mid-request). */
  probeExec?: ExecResult;
  /** The namespace the objects live in (Level 30's recordings' by default). */
  namespace?: string;
  /**
   * What `iptables-save -t nat` prints in the node-rules collector on each node, by node name;
   * a function is asked again on each reading (kube-proxy catches up while a check waits). An
   * ExecResult is what every exec there ends with instead. Absent: no collector is installed.
   */
  nodeTables?: Record<string, string> | ((reading: number) => Record<string, string>) | ExecResult;
}

// ---------------------------------------------------------------------------------------------
// kubequest-probe's JSON lines

function nslookupLine(name: string, world: ProbeWorld): string {
  const { exitCode, output } = world.dns[name.replace(/\.$/, "")] ?? nslookupNxdomain(name.replace(/\.$/, ""));
  const lines = output.split("\n");
  const first = lines.findIndex((l) => l.startsWith("Name:"));
  const addresses = first === -1 ? [] : [...new Set(lines.slice(first).filter((l) => /^Address:/.test(l)).map((l) => l.replace(/^Address:\s*/, "").trimEnd()))].sort();
  const error = /^\*\* server can.t find [^:]*: (\S+)/m.exec(output)?.[1] ?? (/timed out|no servers could be reached/.test(output) ? "TIMEOUT" : exitCode !== 0 ? `EXIT ${exitCode}` : null);
  return JSON.stringify({ kind: "nslookup", name, exitCode, output, addresses, error, durationMs: 7 });
}

function redisInfoLine(host: string, world: ProbeWorld): string {
  const server = world.redis[host];
  const output = server ? server.info : connectionRefused(host);
  const f = new Map(output.split("\n").flatMap((l) => (/^[a-z_0-9]+:/.test(l) ? [[l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1)] as const] : [])));
  const num = (v: string | undefined) => (v === undefined || Number.isNaN(Number(v)) ? null : Number(v));
  const replication = f.has("role")
    ? {
        role: f.get("role"),
        masterHost: f.get("master_host"),
        masterPort: num(f.get("master_port")),
        masterLinkStatus: f.get("master_link_status"),
        connectedReplicas: num(f.get("connected_slaves")),
        replicas: [...f]
          .filter(([k]) => /^slave[0-9]+$/.test(k))
          .map(([, v]) => {
            const r = new Map(v.split(",").map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)] as const));
            return { ip: r.get("ip"), port: num(r.get("port")), state: r.get("state"), offset: num(r.get("offset")), lag: num(r.get("lag")) };
          }),
      }
    : null;
  return JSON.stringify({ kind: "redis-info", host, exitCode: server ? 0 : 1, output, replication, durationMs: 4 });
}

function redisWriteLine(host: string, key: string, value: string, world: ProbeWorld): string {
  const server = world.redis[host];
  const output = server ? server.setReply : connectionRefused(host);
  const exitCode = server && server.setReply === "OK" ? 0 : 1;
  return JSON.stringify({ kind: "redis-write", host, key, value, exitCode, output, ok: exitCode === 0 && output.trimEnd() === "OK", durationMs: 3 });
}

function redisWaitKeyLine(host: string, key: string, value: string, timeoutMs: number, world: ProbeWorld): string {
  const server = world.redis[host];
  const matched = server?.receivesWrites === true;
  // GET of a missing key prints an empty line in redis-cli's raw (non-tty) output.
  const output = !server ? connectionRefused(host) : matched ? value : (server.holds ?? "");
  const attempts = matched ? 1 : Math.ceil(timeoutMs / 50);
  return JSON.stringify({ kind: "redis-wait-key", host, key, value, timeoutMs, exitCode: server ? 0 : 1, output, matched, attempts, durationMs: matched ? 5 : timeoutMs });
}

function redisReadonlyLine(host: string, key: string, world: ProbeWorld): string {
  const server = world.redis[host];
  const output = server ? server.setReply : connectionRefused(host);
  return JSON.stringify({ kind: "redis-write-expect-readonly", host, key, exitCode: output === "OK" ? 0 : 1, output, readonly: /^\s*(\(error\) )?READONLY/.test(output), durationMs: 3 });
}

/** kubequest-probe's stdout for `argv`, one line per request in the order asked. */
export function probeStdout(argv: string[], world: ProbeWorld, namespace: string): string {
  const lines: string[] = [];
  const args = argv.slice(1);
  const next = () => args.shift() ?? "";
  while (args.length > 0) {
    const flag = next();
    if (flag === "--nslookup") lines.push(nslookupLine(next(), world));
    else if (flag === "--redis-info") lines.push(redisInfoLine(next(), world));
    else if (flag === "--redis-write") lines.push(redisWriteLine(next(), next(), next(), world));
    else if (flag === "--redis-wait-key") lines.push(redisWaitKeyLine(next(), next(), next(), Number(next()), world));
    else if (flag === "--redis-write-expect-readonly") lines.push(redisReadonlyLine(next(), next(), world));
    else if (flag === "--dig") {
      const type = next();
      const name = next();
      if (type !== "SRV") throw new Error(`the fake probe knows SRV questions, not ${type}`);
      lines.push(digProbeLine(namespace, name, type, world.srv?.[name.replace(/\.$/, "")] ?? nxdomainSrv(name.replace(/\.$/, ""))));
    }
    else throw new Error(`the fake probe does not know ${flag}`);
  }
  return lines.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------------
// The adapter and the context

let probePodCount = 0;

export interface RecordedRun {
  ctx: GradeContext;
  /** The fake adapter behind it (for a whole grade run over the same recordings). */
  kube: KubeAdapter;
  /** The command line of every request to the probe agent, in order. */
  execs: string[][];
  /** The time bound of each of those requests (ms). */
  execTimeouts: (number | undefined)[];
  /** How often the namespace was read (snapshots taken). */
  reads(): number;
  /** How often the node rules were read (one iptables-save per node each time). */
  nodeReadings(): number;
}

/** A real GradeContext over the recorded cluster. Budget 0: nothing is retried, a failure is thrown at once. */
export function recordedContext(level: LoadedLevel, cluster: RecordedCluster): RecordedRun {
  let reads = 0;
  const execs: string[][] = [];
  const execTimeouts: (number | undefined)[] = [];
  const namespace = cluster.namespace ?? NS;
  // A Level 30 snapshot asks for the StatefulSet first, then lists the rest: that call starts a
  // read, and the lists of the same read see the same objects. A level without a StatefulSet
  // read starts one when a list is asked for again (each snapshot lists each kind once).
  let current: NamespaceObjects | undefined;
  let listed = new Set<string>();
  const startRead = () => {
    reads += 1;
    listed = new Set();
    current = typeof cluster.objects === "function" ? cluster.objects(reads) : cluster.objects;
    return current;
  };
  const objectsFor = (kind: string) => {
    const objects = !current || listed.has(kind) ? startRead() : current;
    listed.add(kind);
    return objects;
  };
  const listing = <T>(kind: string, list: (objects: NamespaceObjects) => T[]) => async (ns: string): Promise<T[]> => {
    if (ns !== namespace) return [];
    if (cluster.readFailure) throw cluster.readFailure;
    return byName(list(objectsFor(kind)) as ({ name: string } & T)[]);
  };
  // The node-rules collector: one pod per node of `nodeTables`, each answering iptables-save.
  let nodeReadings = 0;
  let tablesNow: Record<string, string> = {};
  const tables = cluster.nodeTables;
  const nodeNames = tables === undefined ? [] : "exitCode" in tables ? ["kubequest-control-plane"] : Object.keys(typeof tables === "function" ? tables(1) : tables);
  const collectorPods: PodInfo[] = nodeNames.map((node) => ({ ...toPodInfo({ metadata: { name: `${COLLECTOR_NAME}-${node}` } }), phase: "Running", status: "Running", ready: true, nodeName: node }));
  const kube = {
    getStatefulSet: async (ns: string, name: string): Promise<StatefulSetInfo | null> => {
      if (cluster.readFailure) throw cluster.readFailure;
      const sts = startRead().statefulSets.find((s) => s.metadata?.name === name);
      return ns === namespace && sts ? toStatefulSetInfo(sts) : null;
    },
    listServices: listing<ServiceInfo>("services", (o) => o.services.map(toServiceInfo)),
    listPods: async (ns: string, selector?: string): Promise<PodInfo[]> =>
      ns === GRADER_NAMESPACE && selector === COLLECTOR_SELECTOR ? collectorPods : listing<PodInfo>("pods", (o) => o.pods.map(toPodInfo))(ns),
    getDaemonSet: async (ns: string, name: string) =>
      ns === GRADER_NAMESPACE && name === COLLECTOR_NAME && tables !== undefined ? { name, images: ["registry.k8s.io/kube-proxy:v1.34.4"], desired: nodeNames.length, ready: nodeNames.length } : null,
    listEndpointSlices: listing<EndpointSliceInfo>("endpointSlices", (o) => o.endpointSlices.map(toEndpointSliceInfo)),
    listDeployments: listing("deployments", (o) => o.deployments.map(toDeploymentInfo)),
    // The grader's own probe pod: made on first use, ready at once.
    ...probePodFake(),
    exec: async (ns: string, pod: string, container: string | undefined, argv: string[]): Promise<ExecResult> => {
      if (ns === GRADER_NAMESPACE && container === COLLECTOR_CONTAINER && tables !== undefined) {
        if (argv.join(" ") !== "iptables-save -t nat") throw new Error(`the fake collector runs iptables-save -t nat, not ${argv.join(" ")}`);
        if ("exitCode" in tables) return tables as ExecResult;
        // The first node's exec of a reading starts the next reading.
        const node = collectorPods.find((p) => p.name === pod)!.nodeName!;
        if (node === nodeNames[0]) {
          nodeReadings += 1;
          tablesNow = typeof tables === "function" ? tables(nodeReadings) : tables;
        }
        return { stdout: tablesNow[node] ?? "", stderr: "", exitCode: 0 };
      }
      throw new Error(`unexpected exec in ${ns}/${pod}/${container}: the grader asks its probe agent, not an exec`);
    },
    ...probeAgentFake((argv, timeoutMs) => {
      execs.push(argv);
      execTimeouts.push(timeoutMs);
      if (cluster.probeExec) return cluster.probeExec;
      if (!cluster.probe) throw new Error("this test recorded no probe answers");
      return { stdout: probeStdout(argv, cluster.probe, namespace), stderr: "", exitCode: 0 };
    }),
  } as unknown as KubeAdapter;
  // A probe pod of its own per context: the probe pod cache is module-wide.
  const ctx = new GradeContext(kube, level, namespace, { probePod: `probe-checks-${++probePodCount}`, probePodSettleMs: 0 });
  ctx.setBudget(0);
  return { ctx, kube, execs, execTimeouts, reads: () => reads, nodeReadings: () => nodeReadings };
}

/** Level 31 as the catalog loads it: a Deployment workload, two Services over it, an invalidator. */
export async function level31(): Promise<LoadedLevel> {
  const level = (await loadLevelCatalog()).get("clusterip-and-headless");
  if (!level) throw new Error("Level 31 (clusterip-and-headless) is missing from levels/");
  return level;
}

/** Level 30 as the catalog loads it: its workload and its checks' specs (with their params). */
export async function level30(): Promise<LoadedLevel> {
  const level = (await loadLevelCatalog()).get("headless-statefulset-dns");
  if (!level) throw new Error("Level 30 (headless-statefulset-dns) is missing from levels/");
  return level;
}

/**
 * The level's spec of the check of this type, as the grade runs it: its params parsed by the
 * check library (typed by the implementation it is handed to).
 */
export function specOf(level: LoadedLevel, type: string): CheckSpecOf<never> {
  const planned = planChecks(level.manifest.grader).find((c) => c.spec.type === type);
  if (!planned) throw new Error(`level ${level.manifest.id} has no ${type} check`);
  return planned.spec as CheckSpecOf<never>;
}

/** Runs one check over the recorded cluster, collecting its progress reports. */
export async function runCheck<P>(
  check: CheckImplementation<P>,
  spec: CheckSpecOf<P>,
  run: RecordedRun,
): Promise<CheckOutcome & { progress: string[] }> {
  const progress: string[] = [];
  const outcome = await check({ ctx: run.ctx, spec, progress: (text) => progress.push(text) });
  return { ...outcome, progress };
}
