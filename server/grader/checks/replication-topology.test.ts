// replication-topology over recorded evidence: a replica counts as following redis-0 only when
// the primary, read at its current IP, lists it online; and any hostAliases pin fails the check.
import { describe, expect, it } from "vitest";
import type { PodInfo } from "../../kubernetes/kube-adapter";
import type { Snapshot } from "../namespace-reads";
import type { ProbeRecord } from "../probe";
import type { GradeView } from "./check-types";
import { replicationTopology } from "./redis-checks";
import { STATEFULSET_WORKLOAD, type StatefulSetWorkload } from "./statefulset-workload";
import { podInfo } from "../../kubernetes/test-fixtures/pod-info";

const NS = "kq-1";
const name = (i: number) => `redis-${i}.redis.${NS}.svc.cluster.local`;

function pod(i: number, ip: string, extra: Partial<PodInfo> = {}): PodInfo {
  return podInfo({ name: `redis-${i}`, uid: `u${i}`, ip, labels: { app: "redis" }, ...extra });
}

/** The slice of a grade the check reads, over fixed evidence. */
function context(pods: PodInfo[], infos: Record<string, string>): GradeView {
  const view = { governingServiceName: "redis", workloadPods: pods } as unknown as StatefulSetWorkload;
  const snap: Snapshot = { get: <T>(read: { name: string }) => (read === STATEFULSET_WORKLOAD ? view : undefined) as T };
  const records: ProbeRecord[] = Object.entries(infos).map(([host, output]) => ({ kind: "redis-info", host, exitCode: 0, output }));
  return {
    namespace: NS,
    level: { manifest: { grader: [] } },
    workload: { kind: "StatefulSet", name: "redis", replicas: 3, defaultServiceName: "redis" },
    snapshot: async () => snap,
    sharedProbe: async () => records,
  } as unknown as GradeView;
}

const replica = (link = "up") => `role:slave\nmaster_host:${name(0)}\nmaster_port:6379\nmaster_link_status:${link}\n`;
const primary = (listed: string[]) =>
  `role:master\nconnected_slaves:${listed.length}\n${listed.map((ip, i) => `slave${i}:ip=${ip},port=6379,state=online,offset=1,lag=0`).join("\n")}\n`;
const run = (ctx: GradeView) => replicationTopology({ ctx, spec: {} as never, progress: () => undefined });

describe("replication-topology", () => {
  const pods = [pod(0, "10.244.0.20"), pod(1, "10.244.0.11"), pod(2, "10.244.0.12")];

  it("counts a replica the primary lists in any state (one still finishing its sync included)", async () => {
    const syncing = primary([name(1), name(2)]).replace("ip=redis-2.redis.kq-1.svc.cluster.local,port=6379,state=online", "ip=redis-2.redis.kq-1.svc.cluster.local,port=6379,state=send_bulk");
    const out = await run(context(pods, { "10.244.0.20": syncing, "10.244.0.11": replica(), "10.244.0.12": replica() }));
    expect(out.passed, out.reason).toBe(true);
    expect(out.evidence).toContain("  redis-0 at its current IP 10.244.0.20 lists redis-2 as a replica (send_bulk) (redis-2.redis.kq-1.svc.cluster.local)");
  });

  it("passes when the primary at its current IP lists both replicas online", async () => {
    const out = await run(context(pods, { "10.244.0.20": primary([name(1), name(2)]), "10.244.0.11": replica(), "10.244.0.12": replica() }));
    expect(out.passed, out.reason).toBe(true);
    expect(out.evidence).toContain("  redis-0 at its current IP 10.244.0.20 lists redis-1 as an online replica (redis-1.redis.kq-1.svc.cluster.local)");
  });

  it("fails a replica whose link is up but reaches some other address than today's redis-0", async () => {
    // redis-2 says its link is up, but the primary at 10.244.0.20 has only redis-1: redis-2 is
    // linked to whatever now answers at an old address.
    const out = await run(context(pods, { "10.244.0.20": primary([name(1), "10.244.0.99"]), "10.244.0.11": replica(), "10.244.0.12": replica() }));
    expect(out.passed).toBe(false);
    expect(out.reason).toMatch(/redis-2 reports its link to redis-0\.redis\.kq-1\.svc\.cluster\.local as up, but redis-0 at its current IP 10\.244\.0\.20 does not list redis-2 among its replicas/);
    expect(out.reason).not.toMatch(/redis-1 reports/);
  });

  it("fails replicas pinned with hostAliases even while replication works, saying why", async () => {
    const pinned = [pod(0, "10.244.0.20"), ...[1, 2].map((i) => pod(i, `10.244.0.1${i}`, { hostAliases: [{ ip: "10.244.0.20", hostnames: [name(0)] }] }))];
    const out = await run(context(pinned, { "10.244.0.20": primary([name(1), name(2)]), "10.244.0.11": replica(), "10.244.0.12": replica() }));
    expect(out.passed).toBe(false);
    expect(out.evidence[0]).toBe(`redis-1: spec.hostAliases pins ${name(0)} → 10.244.0.20`);
    expect(out.reason).toMatch(/redis-1 pins redis-0's name to an IP with hostAliases/);
    expect(out.reason).toMatch(/redis-2 pins redis-0's name/);
  });
});
