/**
 * Turns a live-view snapshot into a picture: boxes with coordinates (in the SVG's user units)
 * and the edges between them. Pure, so the picture's logic is tested without a browser.
 *
 *   [ Service ]            services, side by side
 *       │ ╲
 *   [ep] [ep] [ep]         one row of endpoints per EndpointSlice, each above its pod
 *    │    │    │
 *  ┌ StatefulSet ───────┐  a frame per StatefulSet around its pods (each labelled with its
 *  │ [pod] [pod] [pod]  │  node on a cluster of several); replication arcs to ordinal 0
 *  └────────────────────┘
 *   [pod] …                pods of no StatefulSet (e.g. a Deployment's)
 */
import type { LiveDnsAnswer, LiveEndpoint, LivePod, LiveService, LiveViewSnapshot } from "@/lib/protocol/socket-events";

export type Tone = "ok" | "warn" | "bad" | "idle";

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface ServiceNode extends Box {
  key: string;
  name: string;
  type: string;
  clusterIP: string;
  headless: boolean;
  selector: string;
  /** Some StatefulSet names this Service as its serviceName. */
  governsStatefulSet: boolean;
  /** Font size of the clusterIP line: smaller when services share the row. */
  ipFontSize: number;
}

export interface EndpointNode extends Box {
  key: string;
  ip: string;
  hostname: string | null;
  podName: string | null;
  ready: boolean;
  serviceName: string;
}

export interface EndpointRow {
  key: string;
  sliceName: string;
  serviceName: string;
  /** Y of the row's label (the slice name). */
  labelY: number;
  /** Set when the slice lists no endpoints: a dashed placeholder spans the row. */
  empty: (Box & { text: string }) | null;
}

export interface PodDns {
  name: string;
  tone: Tone;
  text: string;
}

export interface PodNode extends Box {
  key: string;
  name: string;
  status: string;
  tone: Tone;
  ready: boolean;
  ip: string | null;
  nodeName: string | null;
  /** The node's name as the card shows it (the prefix all nodes share dropped), or null on one node. */
  nodeLabel: string | null;
  restarts: number;
  ordinal: number | null;
  dns: PodDns | null;
}

export interface Frame extends Box {
  key: string;
  name: string;
  serviceName: string;
  replicas: number;
  readyReplicas: number;
  /** The Service named by serviceName exists. */
  serviceFound: boolean;
  /** The governing Service is headless, which is what gives pods their DNS names. */
  serviceHeadless: boolean;
  labelY: number;
}

export interface Edge {
  key: string;
  kind: "service-endpoint" | "endpoint-pod" | "replication";
  d: string;
  tone: Tone;
}

export interface Placeholder extends Box {
  key: string;
  text: string;
}

export interface LiveLayout {
  width: number;
  height: number;
  services: ServiceNode[];
  endpointRows: EndpointRow[];
  endpoints: EndpointNode[];
  frames: Frame[];
  /** Label above pods that belong to no StatefulSet, if any. */
  otherPodsLabel: { y: number } | null;
  pods: PodNode[];
  edges: Edge[];
  placeholders: Placeholder[];
}

export const LAYOUT = {
  width: 440,
  pad: 16,
  serviceH: 108,
  gap: 12,
  arrowGap: 40,
  rowLabelH: 16,
  chipH: 40,
  framePad: 12,
  podH: 96,
  /** The pod card's extra line naming its node, on a cluster of several nodes. */
  nodeRowH: 14,
  podGap: 10,
  columns: 3,
  arcSpace: 30,
  frameLabelH: 26,
} as const;

const badStatus = /CrashLoopBackOff|Error|ImagePullBackOff|ErrImagePull|OOMKilled|Failed|Evicted|CreateContainerConfigError|InvalidImageName/i;

export function podTone(pod: Pick<LivePod, "ready" | "status" | "phase">): Tone {
  if (/Terminating/i.test(pod.status)) return "idle";
  if (badStatus.test(pod.status) || pod.phase === "Failed") return "bad";
  if (pod.ready) return "ok";
  return "warn";
}

/**
 * Node names as the cards show them: without the prefix (up to a dash) that all of them share,
 * e.g. kind's "kubequest-" ("worker2"); a name that would vanish, or a lone one, stays whole.
 */
export function shortNodeNames(names: readonly string[]): Map<string, string> {
  const unique = [...new Set(names)];
  let prefix = "";
  if (unique.length > 1) {
    prefix = unique.reduce((common, name) => {
      let i = 0;
      while (i < common.length && i < name.length && common[i] === name[i]) i++;
      return common.slice(0, i);
    });
    prefix = prefix.slice(0, prefix.lastIndexOf("-") + 1);
  }
  return new Map(unique.map((name) => [name, name.length > prefix.length ? name.slice(prefix.length) : name]));
}

/** Whether the cards name their pods' nodes: the cluster has several (or, when it does not say, the pods are spread). */
export function showsNodes(snapshot: Pick<LiveViewSnapshot, "nodes" | "pods">): boolean {
  if (snapshot.nodes) return snapshot.nodes.length > 1;
  return new Set(snapshot.pods.map((p) => p.nodeName).filter(Boolean)).size > 1;
}

export function isHeadless(service: Pick<LiveService, "clusterIP">): boolean {
  return service.clusterIP === "None";
}

/** The pod a DNS name is about: its first label, e.g. "redis-1" of "redis-1.redis.ns.svc.cluster.local". */
export function dnsPodName(answer: Pick<LiveDnsAnswer, "name">): string {
  return answer.name.split(".")[0] ?? answer.name;
}

export function podDns(answer: LiveDnsAnswer | undefined): PodDns | null {
  if (!answer) return null;
  // Our probe not answering is no verdict on the learner's DNS: shown as a warning, not as bad.
  if (answer.error) return { name: answer.name, tone: answer.unasked ? "warn" : "bad", text: answer.error };
  if (answer.addresses.length === 0) return { name: answer.name, tone: "warn", text: "no answer" };
  return { name: answer.name, tone: "ok", text: answer.addresses.join(", ") };
}

function formatSelector(selector: Record<string, string>): string {
  const pairs = Object.entries(selector).map(([k, v]) => `${k}=${v}`);
  return pairs.length > 0 ? pairs.join(", ") : "(no selector)";
}

/** Pods of a StatefulSet are named <name>-<ordinal>. */
function belongsTo(pod: LivePod, statefulSetName: string): boolean {
  if (!pod.name.startsWith(`${statefulSetName}-`)) return false;
  return /^\d+$/.test(pod.name.slice(statefulSetName.length + 1));
}

function curve(x1: number, y1: number, x2: number, y2: number): string {
  const mid = (y1 + y2) / 2;
  return `M${x1} ${y1} C${x1} ${mid} ${x2} ${mid} ${x2} ${y2}`;
}

export function computeLiveLayout(snapshot: LiveViewSnapshot): LiveLayout {
  const { width, pad, gap } = LAYOUT;
  const inner = width - pad * 2;
  let y = pad;

  // --- Services ------------------------------------------------------------------------------
  const servicesIn = [...snapshot.services].sort((a, b) => a.name.localeCompare(b.name));
  const governing = new Set(snapshot.statefulSets.map((s) => s.serviceName));
  const placeholders: Placeholder[] = [];
  const services: ServiceNode[] = [];
  if (servicesIn.length === 0) {
    placeholders.push({ key: "no-service", x: pad, y, w: inner, h: 56, text: "No Service in this namespace" });
    y += 56;
  } else {
    const w = (inner - gap * (servicesIn.length - 1)) / servicesIn.length;
    servicesIn.forEach((service, i) => {
      services.push({
        key: `svc/${service.name}`,
        name: service.name,
        type: service.type,
        clusterIP: service.clusterIP,
        headless: isHeadless(service),
        selector: formatSelector(service.selector),
        governsStatefulSet: governing.has(service.name),
        ipFontSize: servicesIn.length === 1 ? 22 : servicesIn.length === 2 ? 16 : 13,
        x: pad + i * (w + gap),
        y,
        w,
        h: LAYOUT.serviceH,
      });
    });
    y += LAYOUT.serviceH;
  }

  // --- Pods: position them first (endpoints line up above them), at a provisional origin ----
  const podW = (inner - LAYOUT.framePad * 2 - LAYOUT.podGap * (LAYOUT.columns - 1)) / LAYOUT.columns;
  const withNodes = showsNodes(snapshot);
  const podH = withNodes ? LAYOUT.podH + LAYOUT.nodeRowH : LAYOUT.podH;
  const nodeLabels = shortNodeNames([...(snapshot.nodes ?? []), ...snapshot.pods.flatMap((p) => (p.nodeName ? [p.nodeName] : []))]);
  const dnsByPod = new Map<string, LiveDnsAnswer>();
  for (const answer of snapshot.dns) if (!dnsByPod.has(dnsPodName(answer))) dnsByPod.set(dnsPodName(answer), answer);

  const toNode = (pod: LivePod): PodNode => ({
    key: `pod/${pod.name}`,
    name: pod.name,
    status: pod.status,
    tone: podTone(pod),
    ready: pod.ready,
    ip: pod.ip ?? null,
    nodeName: pod.nodeName ?? null,
    nodeLabel: withNodes && pod.nodeName ? (nodeLabels.get(pod.nodeName) ?? pod.nodeName) : null,
    restarts: pod.restarts,
    ordinal: pod.ordinal ?? null,
    dns: podDns(dnsByPod.get(pod.name)),
    x: 0,
    y: 0,
    w: podW,
    h: podH,
  });

  /** Grid positions for `count` pods: rows of `columns`, each row centred. */
  const gridX = (index: number, count: number): number => {
    const row = Math.floor(index / LAYOUT.columns);
    const inRow = Math.min(LAYOUT.columns, count - row * LAYOUT.columns);
    const rowWidth = inRow * podW + (inRow - 1) * LAYOUT.podGap;
    const start = pad + (inner - rowWidth) / 2;
    return start + (index % LAYOUT.columns) * (podW + LAYOUT.podGap);
  };

  const remaining = new Set(snapshot.pods.map((p) => p.name));
  const groups: { frame: Omit<Frame, "x" | "y" | "w" | "h" | "labelY"> | null; pods: PodNode[] }[] = [];
  for (const sts of [...snapshot.statefulSets].sort((a, b) => a.name.localeCompare(b.name))) {
    const pods = snapshot.pods
      .filter((pod) => remaining.has(pod.name) && belongsTo(pod, sts.name))
      .sort((a, b) => (a.ordinal ?? 0) - (b.ordinal ?? 0) || a.name.localeCompare(b.name));
    for (const pod of pods) remaining.delete(pod.name);
    const service = snapshot.services.find((s) => s.name === sts.serviceName);
    groups.push({
      frame: {
        key: `sts/${sts.name}`,
        name: sts.name,
        serviceName: sts.serviceName,
        replicas: sts.replicas,
        readyReplicas: sts.readyReplicas,
        serviceFound: service !== undefined,
        serviceHeadless: service !== undefined && isHeadless(service),
      },
      pods: pods.map(toNode),
    });
  }
  const others = snapshot.pods.filter((pod) => remaining.has(pod.name)).sort((a, b) => a.name.localeCompare(b.name));
  if (others.length > 0) groups.push({ frame: null, pods: others.map(toNode) });

  // Provisional x for every pod (y is set once the endpoint rows' height is known).
  const allPods: PodNode[] = [];
  for (const group of groups) {
    group.pods.forEach((pod, i) => {
      pod.x = gridX(i, group.pods.length);
      allPods.push(pod);
    });
  }
  const podByName = new Map(allPods.map((p) => [p.name, p]));
  const podByIp = new Map(allPods.filter((p) => p.ip).map((p) => [p.ip as string, p]));

  // --- Endpoint rows -------------------------------------------------------------------------
  const shownServices = new Set(services.map((s) => s.name));
  const slices = [...snapshot.endpointSlices]
    .filter((slice) => shownServices.has(slice.serviceName))
    .sort((a, b) => a.serviceName.localeCompare(b.serviceName) || a.name.localeCompare(b.name));

  const endpointRows: EndpointRow[] = [];
  const endpoints: EndpointNode[] = [];
  const edges: Edge[] = [];
  if (services.length > 0) y += LAYOUT.arrowGap;

  const matchPod = (endpoint: LiveEndpoint): PodNode | undefined =>
    (endpoint.podName ? podByName.get(endpoint.podName) : undefined) ?? podByIp.get(endpoint.ip);

  for (const slice of slices) {
    const labelY = y;
    y += LAYOUT.rowLabelH;
    if (slice.endpoints.length === 0) {
      endpointRows.push({
        key: `slice/${slice.name}`,
        sliceName: slice.name,
        serviceName: slice.serviceName,
        labelY,
        empty: { x: pad, y, w: inner, h: LAYOUT.chipH, text: "No endpoints: no pod matches the selector" },
      });
      y += LAYOUT.chipH + gap;
      continue;
    }
    endpointRows.push({ key: `slice/${slice.name}`, sliceName: slice.name, serviceName: slice.serviceName, labelY, empty: null });
    // Rows of chips; each chip sits above its pod when it has one, else in a free grid slot.
    const rows: number[][] = [];
    const place = (x: number | null): { x: number; row: number } => {
      for (let row = 0; ; row++) {
        rows[row] ??= [];
        const taken = rows[row] as number[];
        if (x !== null) {
          if (!taken.some((t) => Math.abs(t - x) < podW)) {
            taken.push(x);
            return { x, row };
          }
          continue;
        }
        for (let slot = 0; slot < LAYOUT.columns; slot++) {
          const sx = gridX(slot, LAYOUT.columns);
          if (!taken.some((t) => Math.abs(t - sx) < podW)) {
            taken.push(sx);
            return { x: sx, row };
          }
        }
      }
    };
    const ordered = [...slice.endpoints].sort((a, b) => Number(!matchPod(a)) - Number(!matchPod(b)));
    for (const endpoint of ordered) {
      const pod = matchPod(endpoint);
      const spot = place(pod ? pod.x : null);
      endpoints.push({
        key: `ep/${slice.name}/${endpoint.ip}`,
        ip: endpoint.ip,
        hostname: endpoint.hostname ?? null,
        podName: endpoint.podName ?? pod?.name ?? null,
        ready: endpoint.ready,
        serviceName: slice.serviceName,
        x: spot.x,
        y: y + spot.row * (LAYOUT.chipH + 8),
        w: podW,
        h: LAYOUT.chipH,
      });
    }
    y += rows.length * (LAYOUT.chipH + 8) - 8 + gap;
  }
  if (services.length > 0 && slices.length === 0) {
    placeholders.push({ key: "no-slices", x: pad, y, w: inner, h: LAYOUT.chipH, text: "No EndpointSlice for this Service yet" });
    y += LAYOUT.chipH + gap;
  }
  y += LAYOUT.arrowGap - gap;

  // --- Frames and pods -----------------------------------------------------------------------
  const frames: Frame[] = [];
  let otherPodsLabel: { y: number } | null = null;
  for (const group of groups) {
    const rowsOfPods = Math.max(1, Math.ceil(group.pods.length / LAYOUT.columns));
    const podsTop = group.frame ? y + LAYOUT.framePad : y + LAYOUT.rowLabelH;
    if (!group.frame) otherPodsLabel = { y };
    group.pods.forEach((pod, i) => {
      pod.y = podsTop + Math.floor(i / LAYOUT.columns) * (podH + LAYOUT.podGap);
    });
    let bottom = podsTop + rowsOfPods * (podH + LAYOUT.podGap) - LAYOUT.podGap;
    if (group.pods.length === 0) {
      placeholders.push({
        key: `no-pods/${group.frame?.name ?? "other"}`,
        x: pad + LAYOUT.framePad,
        y: podsTop,
        w: inner - LAYOUT.framePad * 2,
        h: podH,
        text: "No pods yet",
      });
    }
    if (group.frame) {
      // Replication: each ready replica follows ordinal 0 once that one is ready too.
      const primary = group.pods.find((p) => p.ordinal === 0);
      let arcs = 0;
      if (primary?.ready) {
        for (const replica of group.pods) {
          if (replica === primary || !replica.ready) continue;
          const x1 = replica.x + replica.w / 2;
          const x2 = primary.x + primary.w / 2 + (replica.x > primary.x ? 8 : -8);
          const y1 = replica.y + replica.h;
          const y2 = primary.y + primary.h;
          const depth = 14 + Math.min(3, arcs) * 5;
          edges.push({
            key: `repl/${replica.name}`,
            kind: "replication",
            d: `M${x1} ${y1} C${x1} ${y1 + depth} ${x2} ${y2 + depth} ${x2} ${y2 + 2}`,
            tone: "ok",
          });
          arcs++;
        }
      }
      if (arcs > 0) bottom += LAYOUT.arcSpace;
      const frameBottom = bottom + LAYOUT.frameLabelH;
      frames.push({
        ...group.frame,
        x: pad,
        y,
        w: inner,
        h: frameBottom - y,
        labelY: bottom + 17,
      });
      y = frameBottom + gap;
    } else {
      y = bottom + gap;
    }
  }
  if (groups.length === 0) {
    placeholders.push({ key: "no-pods", x: pad, y, w: inner, h: 64, text: "No pods in this namespace yet" });
    y += 64 + gap;
  }

  // --- Edges ---------------------------------------------------------------------------------
  const serviceByName = new Map(services.map((s) => [s.name, s]));
  for (const endpoint of endpoints) {
    const service = serviceByName.get(endpoint.serviceName);
    const tone: Tone = endpoint.ready ? "ok" : "warn";
    if (service) {
      const share = (endpoint.x + endpoint.w / 2 - service.x) / service.w;
      const sx = service.x + service.w * Math.min(0.8, Math.max(0.2, share));
      edges.push({
        key: `se/${endpoint.key}`,
        kind: "service-endpoint",
        d: curve(sx, service.y + service.h, endpoint.x + endpoint.w / 2, endpoint.y),
        tone,
      });
    }
    const pod = endpoint.podName ? podByName.get(endpoint.podName) : podByIp.get(endpoint.ip);
    if (pod) {
      edges.push({
        key: `ep/${endpoint.key}`,
        kind: "endpoint-pod",
        d: curve(endpoint.x + endpoint.w / 2, endpoint.y + endpoint.h, pod.x + pod.w / 2, pod.y),
        tone,
      });
    }
  }

  return {
    width,
    height: Math.ceil(y - gap + pad),
    services,
    endpointRows,
    endpoints,
    frames,
    otherPodsLabel,
    pods: allPods,
    edges,
    placeholders,
  };
}

/**
 * Shortens `text` to fit `width` user units at `fontSize`, ending in "…". SVG text does not
 * wrap or clip by itself; the full text stays available in the node's <title>.
 */
export function fitText(text: string, width: number, fontSize: number, mono = false): string {
  // Average advance per character: monospace fonts are 0.6 em; UI fonts about 0.55 em.
  const perChar = fontSize * (mono ? 0.6 : 0.55);
  const max = Math.max(1, Math.floor(width / perChar));
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
